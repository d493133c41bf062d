"""Stack set instance stacks are named as in AWS. moto names each instance's stack
"StackSet:<stack set name>": the ':' is not allowed in a stack name, and it reaches every physical
name a resource derives from the stack name (an ELBv2 target group's generated name fails with
InvalidTargetGroupNameError), so the platform cannot be rolled out; and a second stack set
instance in the same account and region would need the same name.
Models: "StackSet-<stack set name>-<UUID>", a new UUID for each stack (CloudFormation's form)."""

from __future__ import annotations

from moto.cloudformation.models import StackInstance
from moto.moto_api._internal import mock_random

from . import Context, Patch

PATCH = Patch(
    name="stackset-stack-names",
    gap='instance stacks are named `StackSet:<name>`; the colon breaks names derived from the stack name',
    kind="models",
)


def stack_name(self: StackInstance) -> str:
    return f"StackSet-{self.name}-{mock_random.uuid4()}"


def apply(context: Context) -> None:
    StackInstance.emulator_stack_name = stack_name  # type: ignore[attr-defined]
