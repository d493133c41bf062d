"""Managed execution of stack set operations. moto drops ManagedExecution
(``moto.cloudformation.models.CloudFormationBackend.create_stack_set``, ``StackSet.update``:
describe-stack-set always says Active false) and lets any number of operations run on a stack set
at once. Models https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html:
ManagedExecution.Active of create-stack-set / update-stack-set is stored and reported; with it,
operations started while another runs wait their turn (QUEUED; operations.py runs them one after
the other); without it, starting an operation while one is QUEUED or RUNNING is refused with
OperationInProgressException (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html,
Errors). Changing ManagedExecution in update-stack-set is refused (InvalidOperationException)
together with a template or a parameter value ("Cannot update ManagedExecution while updating
StackSet Template or Parameters", as AWS answers: https://github.com/aws-cloudformation/rain/issues/748)
and while an operation runs or queues ("You can't modify your StackSet's execution configuration
while there are running or queued operations", API_ManagedExecution.html).
Not modelled: with managed execution AWS runs non-conflicting operations side by side; here they
still run one after the other (the emulator serializes stack operations anyway)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import CloudFormationBackend, StackSet

from .. import Context, Patch
from ..patching import original, replace
from .requests import request_params

PATCH = Patch(
    name="stackset-managed-execution",
    gap="ManagedExecution is not stored; any number of operations run on a stack set at once",
    kind="models",
    corrects="moto.cloudformation.models.CloudFormationBackend.create_stack_set, StackSet.managed_execution / update",
)


class OperationInProgress(CloudFormationError):
    code = "OperationInProgressException"


class InvalidOperation(CloudFormationError):
    code = "InvalidOperationException"


def changes_template_or_parameters(params: dict[str, Any]) -> bool:
    given = params.get("Parameters") or []
    return bool(params.get("TemplateBody") or params.get("TemplateURL")) or any(not p.get("UsePreviousValue") and p.get("ParameterValue") is not None for p in given)


def managed_execution(self: StackSet) -> dict[str, Any]:
    return {"Active": bool(getattr(self, "managed_execution_active", False))}


def requested_active() -> bool | None:
    given = request_params().get("ManagedExecution")
    if not isinstance(given, dict) or "Active" not in given:
        return None
    return bool(given["Active"])


def busy_operations(self: StackSet) -> list[str]:
    return [o["OperationId"] for o in self.operations if o["Status"] in ("QUEUED", "RUNNING")]


def admit_operation(self: StackSet) -> None:
    """Before a new operation: refused while another is queued or running, unless managed execution queues it."""
    if managed_execution(self)["Active"]:
        return
    busy = busy_operations(self)
    if busy:
        raise OperationInProgress(f"Another Operation on StackSet [{self.arn}] is in progress: {busy[0]}")


def change_managed_execution(self: StackSet) -> None:
    """update-stack-set's ManagedExecution, when the request changes it (updates.py calls this first)."""
    active = requested_active()
    if active is not None and active != managed_execution(self)["Active"]:
        if changes_template_or_parameters(request_params()):
            raise InvalidOperation("Cannot update ManagedExecution while updating StackSet Template or Parameters")
        if busy_operations(self):
            raise InvalidOperation("You can't modify your StackSet's execution configuration while there are running or queued operations for that StackSet")
        self.managed_execution_active = active


def create_stack_set(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> StackSet:
    stack_set = original(CloudFormationBackend, "create_stack_set")(self, *args, **kwargs)
    stack_set.managed_execution_active = bool(requested_active())
    return stack_set


def apply(context: Context) -> None:
    replace(StackSet, "managed_execution", property(managed_execution))
    replace(CloudFormationBackend, "create_stack_set", create_stack_set)
