"""A resource type that neither moto nor a placeholder models: moto logs a warning and skips the
resource (its Ref becomes null, the stack still completes), which would be a silent fake success.
Models CloudFormation's answer instead: the stack operation fails, naming the type."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError

from . import Context, Patch

PATCH = Patch(
    name="unknown-types",
    gap="a resource of a type moto does not model is silently skipped",
    kind="models",
)


def apply(context: Context) -> None:
    original = parsing.resource_class_from_type

    def resource_class_from_type(resource_type: str) -> Any:
        model = original(resource_type)
        if model is None and resource_type not in parsing.NULL_MODELS:
            raise ValidationError(
                message=f"Template format error: resource type {resource_type} is not supported by the local emulator "
                "(moto does not model it and the emulator was started without it in templates-src/resource-types.json: "
                "list it there, run make types, then restart the emulator: make local-down local-up)"
            )
        return model

    parsing.resource_class_from_type = resource_class_from_type
