"""Intrinsic functions moto gets wrong. Models what CloudFormation computes:

- Fn::Cidr, which moto's ``moto.cloudformation.parsing.clean_json`` does not implement: the first
  `count` subnets of the block with `cidrBits` host bits each
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-cidr.html);
- Fn::GetAZs: moto's ``clean_json`` ignores an argument that is itself an intrinsic, maps '' to
  us-east-1 whatever the stack's region, and returns a fixed a-d list; here '' is the stack's
  region and the zones are those moto's EC2 knows there (the ones its subnets accept; moto's list
  dates from https://github.com/getmoto/moto/pull/1425)
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getavailabilityzones.html);
- ``!GetAtt Stack.Outputs.Name``: moto's ``moto.cloudformation.utils.yaml_tag_constructor`` splits
  the short form at every dot; CloudFormation splits at the first only (resource, then attribute
  "Outputs.Name") (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html)."""

from __future__ import annotations

import ipaddress
import itertools
from typing import Any

from moto.cloudformation import models, parsing, responses, utils
from moto.cloudformation.exceptions import ValidationError

from .. import Context, Patch
from ..patching import moto_backend, original, replace

PATCH = Patch(
    name="intrinsics",
    gap="Fn::Cidr is not implemented; Fn::GetAZs ignores its argument and the stack's region; !GetAtt A.Outputs.B is split into three parts",
    kind="models",
    corrects="moto.cloudformation.parsing.clean_json, moto.cloudformation.utils.yaml_tag_constructor",
)


def cidr_blocks(ip_block: str, count: Any, cidr_bits: Any) -> list[str]:
    """Fn::Cidr: the first `count` subnets of `ip_block` with `cidr_bits` host bits each."""
    try:
        network = ipaddress.ip_network(str(ip_block), strict=False)
        count, cidr_bits = int(count), int(cidr_bits)
    except ValueError as error:
        raise ValidationError(message=f"Template error: Fn::Cidr {ip_block!r}, {count!r}, {cidr_bits!r}: {error}") from error
    prefix = network.max_prefixlen - cidr_bits
    if not 1 <= count <= 256 or prefix < network.prefixlen:
        raise ValidationError(message=f"Template error: Fn::Cidr cannot cut {count} blocks of {cidr_bits} host bits from {network}")
    blocks = [str(block) for block in itertools.islice(network.subnets(new_prefix=prefix), count)]
    if len(blocks) < count:
        raise ValidationError(message=f"Template error: Fn::Cidr: {network} holds only {len(blocks)} blocks of /{prefix}, {count} asked")
    return blocks


def availability_zones(account_id: str, region: str) -> list[str]:
    """Fn::GetAZs: the zones moto's EC2 knows for the region (the ones its subnets accept)."""
    return [zone.name for zone in moto_backend("ec2", account_id, region).describe_availability_zones()]


def yaml_tag_constructor(loader: Any, tag: Any, node: Any) -> Any:
    """moto's short-form reader, except that !GetAtt A.B.C is resource A, attribute "B.C" (moto: three parts)."""
    if tag == "!GetAtt" and not isinstance(node.value, list):
        resource, _, attribute = str(node.value).partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return original(utils, "yaml_tag_constructor")(loader, tag, node)


def clean_json(resource_json: Any, resources_map: Any) -> Any:
    if isinstance(resource_json, dict):
        if "Fn::Cidr" in resource_json:
            ip_block, count, cidr_bits = (clean_json(v, resources_map) for v in resource_json["Fn::Cidr"])
            return cidr_blocks(ip_block, count, cidr_bits)
        if "Fn::GetAZs" in resource_json:
            region = clean_json(resource_json["Fn::GetAZs"], resources_map) or resources_map["AWS::Region"]
            return availability_zones(resources_map["AWS::AccountId"], region)
    return original(parsing, "clean_json")(resource_json, resources_map)


def apply(context: Context) -> None:
    # Templates are parsed in models.py and responses.py, which imported the constructor by name.
    replace(models, "yaml_tag_constructor", yaml_tag_constructor)
    replace(responses, "yaml_tag_constructor", yaml_tag_constructor)
    # moto's clean_json recurses through the module global, so nested intrinsics come here too.
    replace(parsing, "clean_json", clean_json)
