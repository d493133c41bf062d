"""RetainStacks of delete-stack-instances. moto ignores it and always deletes the instances' stacks.
Models: RetainStacks true removes the instance from the stack set and keeps its stack (with all
its resources) in the target account, no longer managed by the stack set; false deletes it."""

from __future__ import annotations

from moto.cloudformation.models import StackInstance

from . import Context, Patch
from .stackset_operations import delete_stack

PATCH = Patch(
    name="stackset-retain-stacks",
    gap="delete-stack-instances ignores RetainStacks: the stacks are always deleted",
    kind="models",
)


def remove_stack(self: StackInstance, retain: bool) -> str | None:
    return None if retain else delete_stack(self)


def apply(context: Context) -> None:
    StackInstance.emulator_remove_stack = remove_stack  # type: ignore[attr-defined]
