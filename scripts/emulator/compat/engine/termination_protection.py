"""Termination protection: moto stores EnableTerminationProtection at CreateStack but has no
UpdateTerminationProtection API (``moto.cloudformation.responses.CloudFormationResponse``) and
``CloudFormationBackend.delete_stack`` deletes a protected stack anyway. Models both, as
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-protect-stacks.html and
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateTerminationProtection.html
say: the API sets the flag (describe-stacks shows it) and DeleteStack on a protected stack fails
with a ValidationError (lifecycle.delete_stack calls refuse_if_protected). Nested stacks are
protected through their root."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import responses
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import Stack
from moto.core.responses import ActionResult

from .. import Context, Patch
from ..patching import replace

PATCH = Patch(
    name="termination-protection",
    gap="UpdateTerminationProtection is not implemented; a protected stack can be deleted",
    kind="models",
    corrects="moto.cloudformation.responses.CloudFormationResponse (no update_termination_protection), CloudFormationBackend.delete_stack",
)


def update_termination_protection(self: Any) -> ActionResult:
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    if getattr(stack, "parent_id", None):
        raise ValidationError(message=f"Operation not allowed on nested stack {stack.name}: termination protection is set on the root stack")
    stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", False)
    return ActionResult({"StackId": stack.stack_id})


def refuse_if_protected(stack: Stack) -> None:
    if stack.enable_termination_protection:
        raise ValidationError(message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled")


def apply(context: Context) -> None:
    replace(responses.CloudFormationResponse, "update_termination_protection", update_termination_protection)
