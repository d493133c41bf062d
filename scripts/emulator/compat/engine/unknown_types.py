"""A resource type that neither moto nor a placeholder models: moto logs a warning and skips the
resource (its Ref becomes null, the stack still completes), which would be a silent fake success.
Models CloudFormation's answer instead ("Template format error: Unrecognized resource types",
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html):
the stack operation fails, naming the type."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError

from .. import Context, Patch
from ..patching import original, replace

PATCH = Patch(
    name="unknown-types",
    gap="a resource of a type moto does not model is silently skipped",
    kind="models",
    docs=("https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html",),
    corrects="moto.cloudformation.parsing.resource_class_from_type (logs a warning and returns None)",
)


def resource_class_from_type(resource_type: str) -> Any:
    model = original(parsing, "resource_class_from_type")(resource_type)
    if model is None and resource_type not in parsing.NULL_MODELS:
        raise ValidationError(
            message=f"Template format error: Unrecognized resource types: [{resource_type}] (the local emulator: moto does not model it "
            "and the emulator was started without it in templates-src/resource-types.json: "
            "list it there, run make types, then restart the emulator: make local-down local-up)"
        )
    return model


def apply(context: Context) -> None:
    replace(parsing, "resource_class_from_type", resource_class_from_type)
