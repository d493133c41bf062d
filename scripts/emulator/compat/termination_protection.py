"""Termination protection: moto stores EnableTerminationProtection at CreateStack but has no
UpdateTerminationProtection API and deletes a protected stack anyway. Models both: the API sets
the flag (describe-stacks shows it) and DeleteStack on a protected stack fails with AWS's
ValidationError. Nested stacks are protected through their root, as in AWS."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import responses
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend
from moto.core.responses import ActionResult

from . import Context, Patch

PATCH = Patch(
    name="termination-protection",
    gap="UpdateTerminationProtection is not implemented; a protected stack can be deleted",
    kind="models",
)


def update_termination_protection(self: Any) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    if getattr(stack, "parent_id", None):
        raise ValidationError(message=f"Operation not allowed on nested stack {stack.name}: termination protection is set on the root stack")
    stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", False)
    return ActionResult({"StackId": stack.stack_id})


def apply(context: Context) -> None:
    original_delete_stack = CloudFormationBackend.delete_stack

    def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id) or next((s for s in self.stacks.values() if s.name == name_or_stack_id), None)
        if stack is not None and stack.enable_termination_protection:
            raise ValidationError(message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled")
        original_delete_stack(self, name_or_stack_id)

    responses.CloudFormationResponse.update_termination_protection = update_termination_protection  # type: ignore[attr-defined]
    CloudFormationBackend.delete_stack = delete_stack  # type: ignore[method-assign]
