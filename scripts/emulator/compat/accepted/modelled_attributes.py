"""GetAtt on a type moto models, for an attribute its model does not answer (e.g. AWS::SNS::Topic
TopicArn, AWS::EC2::Subnet VpcId): moto fails the stack, or logs a warning and leaves the
unresolved {"Fn::GetAtt": ...} in place of the value. For an attribute the AWS resource
specification lists for the type, the launcher answers from moto's own object where it has the
value (the same-named field, its ARN, its physical ID), and otherwise with a synthetic value
shaped like the real one ("emulated-..." / a constructed ARN): that part is only accepted. The
attributes are those of the type's "Return values" (Fn::GetAtt,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-getatt.html).
docs/emulator.md lists these attributes type by type (coverage.py computes them); the launcher log
names each one the first time a template uses it."""

from __future__ import annotations

import re
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.cloudformation.parsing import get_model_map
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from .. import Context, Patch
from ..patching import replace

PATCH = Patch(
    name="modelled-attributes",
    gap="GetAtt of a specification attribute that moto's model does not implement",
    kind="accepts",
    corrects="get_cfn_attribute / has_cfn_attr of moto's models (moto.core.common_models.CloudFormationModel subclasses) for the attributes they do not answer",
)

# type -> attributes moto's model does not claim (answered synthetically; read by coverage.py)
UNCLAIMED: dict[str, list[str]] = {}
# (type, attribute) pairs answered synthetically so far, unclaimed or claimed but not implemented
ANSWERED: set[tuple[str, str]] = set()

# The get_cfn_attribute functions installed here (a model whose GetAtt is one of them is wrapped),
# and each wrapped model's has_cfn_attr / get_cfn_attribute before it was.
WRAPPERS: set[Any] = set()
BEFORE: dict[Any, tuple[Any, Any]] = {}

NOT_ANSWERED = (NotImplementedError, UnformattedGetAttTemplateException, AttributeError, KeyError)


def native_attribute(model: Any, attribute: str) -> bool:
    """moto's model says it answers the attribute (the base class's has_cfn_attr says yes to all)."""
    if getattr(model, "get_cfn_attribute", None) is None or model.has_cfn_attr.__func__ is CloudFormationModel.has_cfn_attr.__func__:
        return False
    try:
        return bool(model.has_cfn_attr(attribute))
    except Exception:
        return False


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def derived_value(resource: Any, attribute: str) -> Any:
    """The value from moto's own object when it has one: the same-named field (VpcId -> vpc_id),
    its ARN for *Arn, its physical ID for *Id / *Name; None when it has nothing."""
    if "." not in attribute:
        value = getattr(resource, snake_case(attribute), None)
        if isinstance(value, (str, int, list)) and value != "":
            return value
    physical = getattr(resource, "physical_resource_id", None)
    if attribute.lower().endswith("arn") and isinstance(getattr(resource, "arn", None), str):
        return resource.arn
    if (attribute.endswith("Id") or attribute.endswith("Name")) and "." not in attribute and isinstance(physical, str):
        return physical
    return None


def synthetic_value(resource: Any, resource_type: str, attribute: str) -> Any:
    derived = derived_value(resource, attribute)
    if derived is not None:
        return derived
    physical = getattr(resource, "physical_resource_id", None)
    physical = physical if isinstance(physical, str) else getattr(resource, "logical_resource_id", "resource")
    region = getattr(resource, "region_name", None) or getattr(resource, "region", None) or "us-east-1"
    account = getattr(resource, "account_id", None) or "123456789012"
    service, kind = resource_type.split("::")[1].lower(), resource_type.split("::")[2].lower()
    if attribute.split(".")[-1].lower().endswith("arn"):
        return f"arn:{get_partition(region)}:{service}:{region}:{account}:{kind}/{physical}"
    return f"emulated-{re.sub(r'[^A-Za-z0-9]', '-', attribute)}-{physical}"


def apply(context: Context) -> None:
    get_model_map.cache_clear()  # every model defined so far, the placeholders included
    models = get_model_map()
    for resource_type, info in context.types.items():
        model = models.get(resource_type)
        if model is None or resource_type == "AWS::CloudFormation::Stack" or getattr(model, "info", None) is not None:
            continue  # placeholders and nested stacks answer for themselves
        if getattr(model, "get_cfn_attribute", None) in WRAPPERS:
            continue  # wrapped already, and no fix has replaced the wrapper since
        if resource_type not in UNCLAIMED:  # judged on moto's (and the fixes') own answers, once
            UNCLAIMED[resource_type] = [a for a in info["attributes"] if not native_attribute(model, a)]
        wrap(model, resource_type, set(info["attributes"]), set(UNCLAIMED[resource_type]))


def wrap(model: Any, resource_type: str, specified: set[str], unclaimed: set[str]) -> None:
    # What the model answered before the first wrap (moto's, or a fix's): a second application wraps that again.
    original_has, original_get = BEFORE.setdefault(model, (model.has_cfn_attr.__func__, getattr(model, "get_cfn_attribute", None)))

    def synthetic(resource: Any, attribute: str) -> Any:
        if (resource_type, attribute) not in ANSWERED:
            source = "from moto's object" if derived_value(resource, attribute) is not None else "SYNTHETIC"
            print(f"emulator: GetAtt {resource_type} {attribute}: not answered by moto's model; value {source}", flush=True)
        ANSWERED.add((resource_type, attribute))
        return synthetic_value(resource, resource_type, attribute)

    def has_cfn_attr(cls: Any, attribute: str) -> bool:
        return attribute in specified or original_has(cls, attribute)

    def get_cfn_attribute(self: Any, attribute: str) -> Any:
        if attribute in unclaimed or original_get is None:
            if attribute in specified:
                return synthetic(self, attribute)
            raise UnformattedGetAttTemplateException()
        try:
            return original_get(self, attribute)
        except NOT_ANSWERED:
            if attribute in specified:  # claimed by moto but not implemented
                return synthetic(self, attribute)
            raise

    WRAPPERS.add(get_cfn_attribute)
    replace(model, "has_cfn_attr", classmethod(has_cfn_attr))
    replace(model, "get_cfn_attribute", get_cfn_attribute)
