"""Stack set instances, as CloudFormation keeps them. moto's ``moto.cloudformation.models``
StackInstance / StackInstances / StackSet get these wrong:

- the instance's stack is named "StackSet:<stack set name>": the ':' is not allowed in a stack name
  ("can contain only alphanumeric characters (case-sensitive) and hyphens",
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html), and it
  reaches every physical name derived from the stack name (an ELBv2 target group's generated name
  fails with InvalidTargetGroupNameError); a second stack set in the same account and region would
  need the same name. Here: "StackSet-<stack set name>-<UUID>", a new UUID for each stack, the form
  AWS gives them (no documentation page states it);
- an instance with overrides gets only those overrides (every other parameter falls back to its
  template default; one without a default fails: "Missing parameter"), an instance created
  without any reports the stack set's parameters as its "overrides", and update-stack-instances
  without ParameterOverrides clears them. Here, as
  https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stackinstances-override.html and
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackInstances.html
  say: the stack's parameters are the stack set's with the instance's overrides laid over them;
  ParameterOverrides reports exactly the overrides ([] when none); update-stack-instances without
  ParameterOverrides keeps every override, a list (even an empty one) replaces them, except
  parameters given with UsePreviousValue, which keep theirs;
- delete-stack-instances ignores RetainStacks. Here: RetainStacks true removes the instance and
  keeps its stack (with its resources), no longer managed by the stack set; false deletes it
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStackInstances.html);
- list-stack-instances gives a new random StackId on each call and describe-stack-instance of an
  unknown instance answers HTTP 500. Here: StackId is the instance stack's, and an unknown
  instance is StackInstanceNotFoundException
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackInstance.html).

What an operation does to one instance's stack is here too (deploy, remove_stack): a new instance
gets the stack set's *current* template and the stack set's tags on its stack; a stack whose
create rolled back (ROLLBACK_COMPLETE) is deleted and created again, as CloudFormation needs; the
instance's failure is the stack's first resource failure, worded as StackSets words it
(StatusReason, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstance.html)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import StackInstanceNotFound
from moto.cloudformation.models import CloudFormationBackend, Stack, StackInstance, StackInstances, StackSet, cloudformation_backends
from moto.cloudformation.utils import generate_stack_id
from moto.moto_api._internal import mock_random

from .. import Context, Patch
from ..engine.stacks import OPERATION_LOCK, effective_parameters, error_text
from ..patching import replace
from ..values import parameter_text
from .requests import request_params

PATCH = Patch(
    name="stackset-instances",
    gap="instance stacks are named `StackSet:<name>` (the colon breaks names derived from the stack name); "
    "an instance's overrides replace the stack set's parameters instead of being laid over them; RetainStacks is ignored; "
    "StackId is random; an unknown instance is HTTP 500",
    kind="models",
    corrects="moto.cloudformation.models.StackInstance (__init__, to_dict), StackInstances.update, CloudFormationBackend.describe_stack_instance",
)

HEALTHY = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
GENERIC_REASONS = ("The following resource(s) failed", "Resource creation cancelled", "Resource update cancelled")


# --- the instance record ---------------------------------------------------------------------------


def instance_init(self: StackInstance, account_id: str, region_name: str, stackset_id: str, stack_name: str, name: str, template: str, parameters: Any, permission_model: str) -> None:
    """A stack instance without its stack yet: the operation's worker creates it."""
    self.account_id = account_id
    self.region_name = region_name
    self.stackset_id = stackset_id
    self.stack_name = stack_name
    self.name = name
    self.template = template
    self.parameters = parameters or []
    self.permission_model = permission_model
    self.stack = None
    self.status, self.detailed_status, self.status_reason = "OUTDATED", "PENDING", None
    self.last_operation_id = None
    self.placeholder_stack_id = generate_stack_id(stack_name, region_name, account_id)


def instance_to_dict(self: StackInstance) -> dict[str, Any]:
    result = {
        "StackId": self.stack.stack_id if self.stack is not None else self.placeholder_stack_id,
        "StackSetId": self.stackset_id,
        "Region": self.region_name,
        "Account": self.account_id,
        "Status": self.status,
        "StackInstanceStatus": {"DetailedStatus": self.detailed_status},
        "ParameterOverrides": self.parameters,
        "LastOperationId": self.last_operation_id,
    }
    if self.status_reason:
        result["StatusReason"] = self.status_reason
    return result


def describe_stack_instance(self: CloudFormationBackend, stack_set_name: str, account_id: str, region: str) -> dict[str, Any]:
    instance = self.describe_stack_set(stack_set_name).instances.get_instance(account_id, region)
    if instance is None:
        raise StackInstanceNotFound()
    return dict(instance.to_dict())


def stack_name(instance: StackInstance) -> str:
    return f"StackSet-{instance.name}-{mock_random.uuid4()}"


# --- parameter overrides ---------------------------------------------------------------------------


def as_list(parameters: Any) -> list[dict[str, Any]]:
    if isinstance(parameters, dict):
        return [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
    return list(parameters or [])


def stack_parameters(instance: StackInstance, stack_set: StackSet) -> dict[str, Any]:
    overrides = {p["ParameterKey"]: p["ParameterValue"] for p in as_list(instance.parameters) if "ParameterValue" in p}
    return {**(stack_set.parameters or {}), **overrides}


def replaced_overrides(previous: list[dict[str, Any]], given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = {p["ParameterKey"]: p for p in previous}
    result = []
    for parameter in given:
        if parameter.get("UsePreviousValue"):
            if parameter["ParameterKey"] in kept:
                result.append(kept[parameter["ParameterKey"]])
        else:
            result.append({"ParameterKey": parameter["ParameterKey"], "ParameterValue": parameter.get("ParameterValue")})
    return result


def update_overrides(self: StackInstances, accounts: list[str], regions: list[str], parameters: list[dict[str, Any]] | None) -> None:
    """moto's StackInstances.update (used by update-stack-instances), with AWS's override rules."""
    given = "ParameterOverrides" in request_params()
    for account in accounts:
        for region in regions:
            instance = self.get_instance(account, region)
            if instance is None:
                raise StackInstanceNotFound()
            if given:
                instance.parameters = replaced_overrides(as_list(instance.parameters), as_list(parameters))


# --- what an operation does to the instance's stack ------------------------------------------------


def stack_failure(stack: Stack, since: int = 0) -> str:
    """The first resource failure of the stack's last operation (its events from `since` on), as
    StackSets reports it, else the stack's own reason."""
    for event in stack.events[since:]:
        reason = event.resource_status_reason or ""
        if event.resource_status.endswith("_FAILED") and event.logical_resource_id != stack.name and reason and not reason.startswith(GENERIC_REASONS):
            return f"ResourceLogicalId:{event.logical_resource_id}, ResourceType:{event.resource_type}, ResourceStatusReason:{reason}"
    return f"Stack {stack.name} is {stack.status}: {stack.status_reason or 'no reason given'}"


def up_to_date(stack: Stack, template: str, parameters: dict[str, str]) -> bool:
    new = Stack.parse_template(template)
    return bool(stack.template_dict == new and effective_parameters(new, parameters) == effective_parameters(stack.template_dict, stack.resource_map.input_parameters))


def deploy(stack_set: StackSet, instance: StackInstance) -> str | None:
    """Brings the instance's stack to the stack set's template with the instance's parameters
    (creating it when there is none); returns the failure, or None."""
    backend = cloudformation_backends[instance.account_id][instance.region_name]
    template = stack_set.template
    tags = dict(stack_set.tags or {})
    since = 0
    try:
        parameters = {name: parameter_text(value) for name, value in stack_parameters(instance, stack_set).items()}
        with OPERATION_LOCK:
            stack = instance.stack
            if stack is not None and stack.status == "ROLLBACK_COMPLETE":
                backend.delete_stack(stack.stack_id)  # a stack whose create rolled back cannot be updated
                stack = None
            if stack is None or stack.stack_id not in backend.stacks:
                stack = backend.create_stack(name=stack_name(instance), template=template, parameters=parameters, tags=tags)
                instance.stack = stack
            elif up_to_date(stack, template, parameters):
                return None
            else:
                since = len(stack.events)
                stack.update(template, parameters=parameters, tags=tags)
    except Exception as error:  # refused before any resource was touched (e.g. a missing parameter)
        return error_text(error)
    return None if stack.status in HEALTHY else stack_failure(stack, since)


def remove_stack(instance: StackInstance, retain: bool) -> str | None:
    """The instance's stack when the instance is deleted: kept (RetainStacks) or deleted; returns the failure, or None."""
    stack = instance.stack
    if retain or stack is None:
        return None
    backend = cloudformation_backends[instance.account_id][instance.region_name]
    since = len(stack.events)
    try:
        backend.delete_stack(stack.stack_id)
    except Exception as error:  # termination protection
        return error_text(error)
    return None if stack.status == "DELETE_COMPLETE" else stack_failure(stack, since)


def apply(context: Context) -> None:
    replace(StackInstance, "__init__", instance_init)
    replace(StackInstance, "to_dict", instance_to_dict)
    replace(StackInstances, "update", update_overrides)
    replace(CloudFormationBackend, "describe_stack_instance", describe_stack_instance)
