"""GetAtt on a type moto models, for an attribute its model does not answer (e.g.
AWS::RDS::DBInstance DbiResourceId): moto logs a warning and leaves the unresolved
{"Fn::GetAtt": ...} in place of the value, or fails the stack. Accepts: for an attribute the AWS
resource specification lists for the type, a synthetic value shaped like the real one (an ARN for
*Arn, the physical ID for *Id, ...) is given instead. docs/emulator.md lists these attributes type
by type (coverage.py computes them)."""

from __future__ import annotations

import re
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.cloudformation.parsing import get_model_map
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from . import Context, Patch

PATCH = Patch(
    name="modelled-attributes",
    gap="GetAtt of a specification attribute that moto's model does not implement",
    kind="accepts",
)

# type -> attributes moto's model does not claim (answered synthetically; read by coverage.py)
UNCLAIMED: dict[str, list[str]] = {}
# (type, attribute) pairs answered synthetically so far, unclaimed or claimed but not implemented
ANSWERED: set[tuple[str, str]] = set()

NOT_ANSWERED = (NotImplementedError, UnformattedGetAttTemplateException, AttributeError, KeyError)


def native_attribute(model: Any, attribute: str) -> bool:
    """moto's model says it answers the attribute (the base class's has_cfn_attr says yes to all)."""
    if getattr(model, "get_cfn_attribute", None) is None or model.has_cfn_attr.__func__ is CloudFormationModel.has_cfn_attr.__func__:
        return False
    try:
        return bool(model.has_cfn_attr(attribute))
    except Exception:
        return False


def synthetic_value(resource: Any, resource_type: str, attribute: str) -> Any:
    physical = getattr(resource, "physical_resource_id", None)
    physical = physical if isinstance(physical, str) else getattr(resource, "logical_resource_id", "resource")
    region = getattr(resource, "region_name", None) or getattr(resource, "region", None) or "us-east-1"
    account = getattr(resource, "account_id", None) or "123456789012"
    service, kind = resource_type.split("::")[1].lower(), resource_type.split("::")[2].lower()
    last = attribute.split(".")[-1]
    if last.lower().endswith("arn"):
        return f"arn:{get_partition(region)}:{service}:{region}:{account}:{kind}/{physical}"
    if last.endswith("Id") or last.endswith("Name"):
        return physical
    return f"emulated-{re.sub(r'[^A-Za-z0-9]', '-', attribute)}-{physical}"


def apply(context: Context) -> None:
    models = get_model_map()
    for resource_type, info in context.types.items():
        model = models.get(resource_type)
        if model is None or resource_type == "AWS::CloudFormation::Stack" or getattr(model, "info", None) is not None:
            continue  # placeholders and nested stacks answer for themselves
        UNCLAIMED[resource_type] = [a for a in info["attributes"] if not native_attribute(model, a)]
        wrap(model, resource_type, set(info["attributes"]), set(UNCLAIMED[resource_type]))


def wrap(model: Any, resource_type: str, specified: set[str], unclaimed: set[str]) -> None:
    original_has = model.has_cfn_attr.__func__
    original_get = getattr(model, "get_cfn_attribute", None)

    def synthetic(resource: Any, attribute: str) -> Any:
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

    model.has_cfn_attr = classmethod(has_cfn_attr)
    model.get_cfn_attribute = get_cfn_attribute
