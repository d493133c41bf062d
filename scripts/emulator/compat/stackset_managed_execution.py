"""Managed execution of stack set operations. moto drops ManagedExecution (describe-stack-set
always says Active false) and lets any number of operations run on a stack set at once.
Models: ManagedExecution.Active of create-stack-set / update-stack-set is stored and reported;
with it, operations started while another runs wait their turn (QUEUED; stackset-operations runs
them one after the other); without it, starting an operation while one is QUEUED or RUNNING is
refused with OperationInProgressException, as CloudFormation does. Changing ManagedExecution in
update-stack-set is refused (InvalidOperationException) together with a template or a parameter
value ("Cannot update ManagedExecution while updating StackSet Template or Parameters", as AWS
answers: https://github.com/aws-cloudformation/rain/issues/748) and while an operation runs or
queues ("You can't modify your StackSet's execution configuration while there are running or queued
operations": https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ManagedExecution.html).
Not modelled: with managed execution AWS runs non-conflicting operations side by side; here they
still run one after the other (the emulator serializes stack operations anyway)."""

from __future__ import annotations

from typing import Any, Callable

from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import CloudFormationBackend, StackSet

from . import Context, Patch
from .stackset_operations import request_params

PATCH = Patch(
    name="stackset-managed-execution",
    gap="ManagedExecution is not stored; any number of operations run on a stack set at once",
    kind="models",
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
    if managed_execution(self)["Active"]:
        return
    busy = busy_operations(self)
    if busy:
        raise OperationInProgress(f"Another Operation on StackSet [{self.arn}] is in progress: {busy[0]}")


def storing_on_create(original: Callable[..., StackSet]) -> Callable[..., StackSet]:
    def create_stack_set(self: CloudFormationBackend, *args: Any, **kwargs: Any) -> StackSet:
        stack_set = original(self, *args, **kwargs)
        stack_set.managed_execution_active = bool(requested_active())
        return stack_set

    return create_stack_set


def storing_on_update(original: Callable[..., Any]) -> Callable[..., Any]:
    def update(self: StackSet, *args: Any, **kwargs: Any) -> Any:
        active = requested_active()
        if active is not None and active != managed_execution(self)["Active"]:
            if changes_template_or_parameters(request_params()):
                raise InvalidOperation("Cannot update ManagedExecution while updating StackSet Template or Parameters")
            if busy_operations(self):
                raise InvalidOperation("You can't modify your StackSet's execution configuration while there are running or queued operations for that StackSet")
            self.managed_execution_active = active
        return original(self, *args, **kwargs)

    return update


def apply(context: Context) -> None:
    from moto.cloudformation import responses

    from .stackset_operations import with_request

    StackSet.managed_execution = property(managed_execution)  # type: ignore[assignment,method-assign]
    StackSet.emulator_admit_operation = admit_operation  # type: ignore[attr-defined]
    CloudFormationBackend.create_stack_set = storing_on_create(CloudFormationBackend.create_stack_set)  # type: ignore[method-assign]
    StackSet.update = storing_on_update(StackSet.update)  # type: ignore[method-assign]
    responses.CloudFormationResponse.create_stack_set = with_request(responses.CloudFormationResponse.create_stack_set)  # type: ignore[method-assign]
