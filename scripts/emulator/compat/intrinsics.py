"""Intrinsic functions moto gets wrong: Fn::Cidr (missing), Fn::GetAZs (argument not resolved,
'' means us-east-1 whatever the stack's region, a fixed a-d list) and the three-part
``!GetAtt Stack.Outputs.Name`` short form (split into three, the attribute cut to "Outputs"),
Fn::Select out of range (a bare IndexError instead of CloudFormation's template error).
Models: the results are what CloudFormation computes."""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any

from moto.cloudformation import models, parsing, responses, utils
from moto.cloudformation.exceptions import ValidationError

from . import Context, Patch

PATCH = Patch(
    name="intrinsics",
    gap="Fn::Cidr is not implemented; Fn::GetAZs ignores its argument and the stack's region; "
    "!GetAtt A.Outputs.B is split into three parts; Fn::Select out of range is a Python IndexError",
    kind="models",
)


def cidr_blocks(ip_block: str, count: Any, cidr_bits: Any) -> list[str]:
    """Fn::Cidr: the first `count` subnets of `ip_block` with `cidr_bits` host bits each."""
    try:
        network = ipaddress.ip_network(str(ip_block), strict=False)
        count, cidr_bits = int(count), int(cidr_bits)
    except ValueError as error:
        raise ValidationError(message=f"Template error: Fn::Cidr {ip_block!r}, {count!r}, {cidr_bits!r}: {error}")
    prefix = network.max_prefixlen - cidr_bits
    if not 1 <= count <= 256 or prefix < network.prefixlen:
        raise ValidationError(message=f"Template error: Fn::Cidr cannot cut {count} blocks of {cidr_bits} host bits from {network}")
    blocks = [str(block) for block in itertools.islice(network.subnets(new_prefix=prefix), count)]
    if len(blocks) < count:
        raise ValidationError(message=f"Template error: Fn::Cidr: {network} holds only {len(blocks)} blocks of /{prefix}, {count} asked")
    return blocks


def availability_zones(account_id: str, region: str) -> list[str]:
    """Fn::GetAZs: the zones moto's EC2 knows for the region (the ones its subnets accept)."""
    from moto.ec2.models import ec2_backends

    return [zone.name for zone in ec2_backends[account_id][region].describe_availability_zones()]


def yaml_tag_constructor(loader: Any, tag: Any, node: Any) -> Any:
    """moto's short-form reader, except that !GetAtt A.B.C is resource A, attribute "B.C" (moto: three parts)."""
    if tag == "!GetAtt":
        if isinstance(node.value, list):  # !GetAtt [A, B.C] (moto returns the raw YAML nodes)
            return {"Fn::GetAtt": loader.construct_sequence(node, deep=True)}
        resource, _, attribute = str(node.value).partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return ORIGINAL_TAG_CONSTRUCTOR(loader, tag, node)


ORIGINAL_TAG_CONSTRUCTOR = utils.yaml_tag_constructor


def apply(context: Context) -> None:
    # Templates are parsed in models.py and responses.py, which imported the constructor by name.
    models.yaml_tag_constructor = yaml_tag_constructor  # type: ignore[attr-defined]
    responses.yaml_tag_constructor = yaml_tag_constructor  # type: ignore[attr-defined]
    original = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict):
            if "Fn::Cidr" in resource_json:
                ip_block, count, cidr_bits = (clean_json(v, resources_map) for v in resource_json["Fn::Cidr"])
                return cidr_blocks(ip_block, count, cidr_bits)
            if "Fn::GetAZs" in resource_json:
                region = clean_json(resource_json["Fn::GetAZs"], resources_map) or resources_map["AWS::Region"]
                return availability_zones(resources_map["AWS::AccountId"], region)
            if "Fn::Select" in resource_json:
                index, values = (clean_json(v, resources_map) for v in resource_json["Fn::Select"])
                if not isinstance(values, list) or not 0 <= int(index) < len(values):
                    count = len(values) if isinstance(values, list) else "no"
                    raise ValidationError(message=f"Template error: Fn::Select cannot select nonexistent value at index {index} (the list has {count} values: {values!r})")
                return values[int(index)]
            get_att = resource_json.get("Fn::GetAtt")
            if isinstance(get_att, list) and len(get_att) > 2:
                return original({"Fn::GetAtt": [get_att[0], ".".join(get_att[1:])]}, resources_map)
        return original(resource_json, resources_map)

    # clean_json recurses through the module global, so nested intrinsics come here too.
    parsing.clean_json = clean_json
