"""StackSet operations as CloudFormation runs them. moto runs every stack set operation inside the
API call (it creates or deletes the instance stacks there and then), reports every operation
SUCCEEDED with EndTimestamp = creation + 2 minutes and every instance CURRENT / SUCCEEDED whatever
became of its stack, reads no OperationPreferences, creates new instances from the template the
stack set was created with (not its current one), puts no stack set tags on the stacks, gives
list-stack-instances a new random StackId on each call and answers describe-stack-instance of an
unknown instance with HTTP 500.

Models:
- create-stack-instances / delete-stack-instances return at once with the OperationId; the
  operation runs on a worker thread: QUEUED while another operation of the same stack set runs
  (they run one after the other), RUNNING, then SUCCEEDED, or FAILED with a StatusReason when a
  region ends with more failed instances than the failure tolerance; EndTimestamp when it ended;
- list-stack-set-operation-results: one result per account and region, PENDING, RUNNING, then
  SUCCEEDED, FAILED with the stack's failure ("ResourceLogicalId:…, ResourceType:…,
  ResourceStatusReason:…", as AWS words it) or CANCELLED;
- an instance is CURRENT / SUCCEEDED only when its stack reached CREATE_COMPLETE or
  UPDATE_COMPLETE (or was already up to date); OUTDATED with DetailedStatus PENDING, RUNNING,
  FAILED (with StatusReason) or CANCELLED otherwise; INOPERABLE when its stack could not be deleted;
- OperationPreferences: regions in RegionOrder (then as the call listed them); each region in
  waves of MaxConcurrentCount / MaxConcurrentPercentage accounts (STRICT_FAILURE_TOLERANCE, the
  default: at most tolerance + 1); FailureToleranceCount / FailureTolerancePercentage per region;
  once a region is over it, the instances not yet started there and in later regions are
  CANCELLED. The emulator deploys the stacks of a wave one after the other (all stack
  operations are serialized), so only the bookkeeping of waves is parallel, not the timing;
- a new instance gets the stack set's current template and the stack set's tags on its stack;
  a stack whose create rolled back (ROLLBACK_COMPLETE) is deleted and created again by the next
  operation on its instance, as CloudFormation needs;
- StackId is the instance stack's; describe-stack-instance of an unknown instance:
  StackInstanceNotFoundException.

How the instance stack is named, which parameters it gets, whether a removed instance's stack is
kept, whether updates reach the stacks and whether a second operation may start while one runs
stay moto's unless the stackset-* patches that follow change them (hooks below, each defaulting
to moto's behaviour; operations that moto lets start together run here one after the other).
StopStackSetOperation: STOPPING until the instances in progress are done, then STOPPED, the
instances not started CANCELLED. The caller's OperationId is the operation's ID (the SDKs send one
as an idempotency token); one that exists already is OperationIdAlreadyExistsException, and an
unknown one OperationNotFoundException (moto: a ValidationError "Stack with id … does not exist"),
as the API Reference lists for CreateStackInstances and DescribeStackSetOperation
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackSetOperation.html). Not modelled: AccountGate functions are not called (SKIPPED, as
AWS does without one)."""

from __future__ import annotations

import math
import threading
import traceback
from typing import Any, Callable

from moto.cloudformation import responses
from moto.cloudformation.exceptions import CloudFormationError, StackInstanceNotFound, ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack, StackInstance, StackSet, cloudformation_backends
from moto.cloudformation.utils import generate_stack_id
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

from . import Context, Patch
from .stacks import OPERATION_LOCK, effective_parameters, error_text, parameter_text

PATCH = Patch(
    name="stackset-operations",
    gap="stack set operations run inside the API call and always SUCCEED; instances are CURRENT even when their stack rolled back; OperationPreferences ignored",
    kind="models",
)

HEALTHY = ("CREATE_COMPLETE", "UPDATE_COMPLETE")
GENERIC_REASONS = ("The following resource(s) failed", "Resource creation cancelled", "Resource update cancelled")

# The parsed request of the API call being answered on this thread (OperationPreferences,
# RetainStacks, whether ParameterOverrides was given at all).
REQUEST = threading.local()


def request_params() -> dict[str, Any]:
    return getattr(REQUEST, "params", None) or {}


# --- what a stack set operation does to one instance's stack -------------------------------------


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
    return stack.template_dict == new and effective_parameters(new, parameters) == effective_parameters(stack.template_dict, stack.resource_map.input_parameters)


def deploy(stack_set: StackSet, instance: StackInstance) -> str | None:
    """Brings the instance's stack to the stack set's template with the instance's parameters
    (creating it when there is none); returns the failure, or None."""
    backend = cloudformation_backends[instance.account_id][instance.region_name]
    template = stack_set.template
    tags = dict(stack_set.tags or {})
    since = 0
    try:
        parameters = {name: parameter_text(value) for name, value in instance.emulator_stack_parameters(stack_set).items()}
        with OPERATION_LOCK:
            stack = instance.stack
            if stack is not None and stack.status == "ROLLBACK_COMPLETE":
                backend.delete_stack(stack.stack_id)  # a stack whose create rolled back cannot be updated
                stack = None
            if stack is None or stack.stack_id not in backend.stacks:
                stack = backend.create_stack(name=instance.emulator_stack_name(), template=template, parameters=parameters, tags=tags)
                instance.stack = stack
            elif up_to_date(stack, template, parameters):
                return None
            else:
                since = len(stack.events)
                stack.update(template, parameters=parameters, tags=tags)
    except Exception as error:  # refused before any resource was touched (e.g. a missing parameter)
        return error_text(error)
    return None if stack.status in HEALTHY else stack_failure(stack, since)


# --- hooks: moto's behaviour, replaced by the stackset-* patches ---------------------------------


def moto_stack_name(self: StackInstance) -> str:
    return f"StackSet:{self.name}"


def moto_new_overrides(self: StackSet, given: list[dict[str, Any]]) -> Any:
    return given or self.parameters  # moto: an instance without overrides gets the stack set's parameters as its "overrides"


def moto_stack_parameters(self: StackInstance, stack_set: StackSet) -> dict[str, Any]:
    given = self.parameters
    return dict(given) if isinstance(given, dict) else {p["ParameterKey"]: p["ParameterValue"] for p in given}


def moto_admit_operation(self: StackSet) -> None:
    """moto lets any number of operations start; here they then run one after the other."""


def moto_remove_stack(self: StackInstance, retain: bool) -> str | None:
    return delete_stack(self)  # moto ignores RetainStacks


def delete_stack(instance: StackInstance) -> str | None:
    stack = instance.stack
    if stack is None:
        return None
    backend = cloudformation_backends[instance.account_id][instance.region_name]
    since = len(stack.events)
    try:
        backend.delete_stack(stack.stack_id)
    except Exception as error:  # termination protection
        return error_text(error)
    return None if stack.status == "DELETE_COMPLETE" else stack_failure(stack, since)


# --- instances ------------------------------------------------------------------------------------


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
    return instance.to_dict()


# --- operations -----------------------------------------------------------------------------------

QUEUES: dict[str, threading.Lock] = {}
QUEUES_LOCK = threading.Lock()


def queue_of(stack_set: StackSet) -> threading.Lock:
    with QUEUES_LOCK:
        return QUEUES.setdefault(stack_set.id, threading.Lock())


def percent_of(percentage: Any, count: int) -> int:
    return math.floor(int(percentage) * count / 100)


def tolerance_for(preferences: dict[str, Any], targets: int) -> int:
    if preferences.get("FailureToleranceCount") is not None:
        return int(preferences["FailureToleranceCount"])
    if preferences.get("FailureTolerancePercentage") is not None:
        return percent_of(preferences["FailureTolerancePercentage"], targets)
    return 0


def concurrency_for(preferences: dict[str, Any], targets: int) -> int:
    if preferences.get("MaxConcurrentCount") is not None:
        most = int(preferences["MaxConcurrentCount"])
    elif preferences.get("MaxConcurrentPercentage") is not None:
        most = max(1, percent_of(preferences["MaxConcurrentPercentage"], targets))
    else:
        most = 1
    if preferences.get("ConcurrencyMode") == "SOFT_FAILURE_TOLERANCE":
        return max(1, most)
    return max(1, min(most, tolerance_for(preferences, targets) + 1))


def region_order(preferences: dict[str, Any], instances: list[StackInstance]) -> list[str]:
    listed = list(dict.fromkeys(i.region_name for i in instances))
    first = [r for r in preferences.get("RegionOrder") or [] if r in listed]
    return first + [r for r in listed if r not in first]


class OperationNotFound(CloudFormationError):
    code = "OperationNotFoundException"


class OperationIdAlreadyExists(CloudFormationError):
    code = "OperationIdAlreadyExistsException"


def get_operation(self: StackSet, operation_id: str) -> dict[str, Any]:
    for operation in self.operations:
        if operation_id == operation["OperationId"]:
            return operation
    raise OperationNotFound(f"Operation {operation_id} not found for StackSet {self.name}")


def new_operation(stack_set: StackSet, action: str, instances: list[StackInstance], preferences: dict[str, Any], operation_id: str | None = None) -> dict[str, Any]:
    operation_id = operation_id or request_params().get("OperationId") or str(mock_random.uuid4())
    if any(o["OperationId"] == operation_id for o in stack_set.operations):
        raise OperationIdAlreadyExists(f"Operation {operation_id} already exists for StackSet {stack_set.name}")
    operation = stack_set._create_operation(operation_id=operation_id, action=action, status="QUEUED")
    operation["EndTimestamp"] = None
    operation["OperationPreferences"] = preferences
    operation["Results"] = [
        {
            "Account": i.account_id,
            "Region": i.region_name,
            "Status": "PENDING",
            "AccountGateResult": {"Status": "SKIPPED", "StatusReason": f"Function not found: arn:aws:lambda:{i.region_name}:{i.account_id}:function:AWSCloudFormationStackSetAccountGate"},
        }
        for i in instances
    ]
    return operation


def start_operation(stack_set: StackSet, action: str, instances: list[StackInstance], work: Callable[[StackInstance], str | None], operation_id: str | None = None) -> dict[str, Any]:
    """Registers the operation and runs it on a worker thread; returns the operation record."""
    preferences = dict(request_params().get("OperationPreferences") or {})
    operation = new_operation(stack_set, action, instances, preferences, operation_id)
    for instance in instances:
        instance.last_operation_id = operation["OperationId"]
        if action != "DELETE":
            instance.status, instance.detailed_status, instance.status_reason = "OUTDATED", "PENDING", None
    worker = threading.Thread(target=run_operation, args=(stack_set, operation, instances, work), name=f"stackset {stack_set.name} {action}", daemon=True)
    worker.start()
    return operation


def settle(stack_set: StackSet, action: str, instance: StackInstance, result: dict[str, Any], failure: str | None) -> None:
    result["Status"] = "FAILED" if failure else "SUCCEEDED"
    if failure:
        result["StatusReason"] = failure
    if action == "DELETE":
        if failure:
            instance.status, instance.detailed_status, instance.status_reason = "INOPERABLE", "FAILED", failure
        elif instance in stack_set.instances.stack_instances:
            stack_set.instances.stack_instances.remove(instance)
        return
    if failure:
        instance.status, instance.detailed_status, instance.status_reason = "OUTDATED", "FAILED", failure
    else:
        instance.status, instance.detailed_status, instance.status_reason = "CURRENT", "SUCCEEDED", None


def run_operation(stack_set: StackSet, operation: dict[str, Any], instances: list[StackInstance], work: Callable[[StackInstance], str | None]) -> None:
    action = operation["Action"]
    preferences = operation["OperationPreferences"]
    result_of = {id(i): r for i, r in zip(instances, operation["Results"])}
    over: list[str] = []
    with queue_of(stack_set):
        if operation["Status"] == "QUEUED":
            operation["Status"] = "RUNNING"
        try:
            for region in region_order(preferences, instances):
                here = [i for i in instances if i.region_name == region]
                tolerance, size = tolerance_for(preferences, len(here)), concurrency_for(preferences, len(here))
                failed = 0
                for start in range(0, len(here), size):
                    wave = here[start : start + size]
                    if over or operation["Status"] == "STOPPING":
                        for instance in wave:
                            result_of[id(instance)]["Status"] = "CANCELLED"
                            if action != "DELETE":
                                instance.detailed_status = "CANCELLED"
                        continue
                    for instance in wave:
                        result_of[id(instance)]["Status"] = "RUNNING"
                        if action != "DELETE":
                            instance.detailed_status = "RUNNING"
                    for instance in wave:
                        failure = work(instance)
                        settle(stack_set, action, instance, result_of[id(instance)], failure)
                        failed += failure is not None
                    if failed > tolerance:
                        over.append(f"{region}: {failed} of {len(here)} instances failed, over the failure tolerance of {tolerance}")
        except BaseException as error:  # a defect in a patch must not leave the operation RUNNING forever
            traceback.print_exc()
            over.append(f"emulator: {error_text(error)}")
        operation["Status"] = "FAILED" if over else "STOPPED" if operation["Status"] == "STOPPING" else "SUCCEEDED"
        if over:
            operation["StatusReason"] = "; ".join(over)
        operation["EndTimestamp"] = utcnow()


def stop_operation(self: StackSet, operation_id: str, status: str) -> str:
    """StopStackSetOperation: a queued or running operation is STOPPING until the instances in
    progress are done, then STOPPED; the instances not started yet are CANCELLED."""
    operation = self.get_operation(operation_id)
    if operation["Status"] in ("QUEUED", "RUNNING"):
        operation["Status"] = "STOPPING"
    elif operation["Status"] != "STOPPING":
        operation["Status"] = status  # moto's bookkeeping for its own operations
    return operation_id


def create_stack_instances(self: StackSet, accounts: list[str], regions: list[str], deployment_targets: dict[str, Any] | None, parameters: list[dict[str, Any]]) -> str:
    if self.permission_model == "SERVICE_MANAGED" and (not deployment_targets or "OrganizationalUnitIds" not in deployment_targets):
        raise ValidationError(message="StackSets with SERVICE_MANAGED permission model can only have OrganizationalUnit as target")
    if self.permission_model == "SELF_MANAGED" and deployment_targets and "OrganizationalUnitIds" in deployment_targets:
        raise ValidationError(message="StackSets with SELF_MANAGED permission model can only have accounts as target")
    self.emulator_admit_operation()
    before = list(self.instances.stack_instances)
    self.instances.create_instances(accounts, regions, self.emulator_new_overrides(parameters), deployment_targets or {}, permission_model=self.permission_model)
    created = [i for i in self.instances.stack_instances if i not in before]
    return start_operation(self, "CREATE", created, lambda instance: deploy(self, instance))["OperationId"]


def delete_stack_instances(self: StackSet, accounts: list[str], regions: list[str]) -> str:
    self.emulator_admit_operation()
    targets = [i for i in self.instances.stack_instances if i.region_name in regions and i.account_id in accounts]
    retain = bool(request_params().get("RetainStacks", False))
    return start_operation(self, "DELETE", targets, lambda instance: instance.emulator_remove_stack(retain))["OperationId"]


# --- the API answers ------------------------------------------------------------------------------


def with_request(method: Callable[..., Any]) -> Callable[..., Any]:
    def answer(self: Any) -> Any:
        REQUEST.params = self._get_params()
        try:
            return method(self)
        finally:
            REQUEST.params = None

    return answer


def delete_stack_instances_answer(self: Any) -> ActionResult:
    # moto answers with the stack set's last operation, which a concurrent call may have replaced.
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    operation_id = stack_set.delete_stack_instances(self._get_param("Accounts", []), self._get_param("Regions", []))
    return ActionResult({"OperationId": operation_id})


def list_operation_results_answer(original: Callable[..., Any]) -> Callable[..., Any]:
    def answer(self: Any) -> ActionResult:
        operation = self.cloudformation_backend.list_stack_set_operation_results(self._get_param("StackSetName"), self._get_param("OperationId"))
        if "Results" not in operation:
            return original(self)  # an operation run by moto itself
        return ActionResult({"Summaries": [dict(r) for r in operation["Results"]]})

    return answer


def operation_dto_init(original: Callable[..., Any]) -> Callable[..., Any]:
    def init(self: Any, operation: dict[str, Any], stack_set: StackSet) -> None:
        original(self, operation, stack_set)
        self.status_reason = operation.get("StatusReason")
        self.operation_preferences = operation.get("OperationPreferences") or None

    return init


def apply(context: Context) -> None:
    StackInstance.__init__ = instance_init  # type: ignore[method-assign]
    StackInstance.to_dict = instance_to_dict  # type: ignore[method-assign]
    StackInstance.emulator_stack_name = moto_stack_name  # type: ignore[attr-defined]
    StackInstance.emulator_stack_parameters = moto_stack_parameters  # type: ignore[attr-defined]
    StackInstance.emulator_remove_stack = moto_remove_stack  # type: ignore[attr-defined]
    StackSet.emulator_new_overrides = moto_new_overrides  # type: ignore[attr-defined]
    StackSet.emulator_admit_operation = moto_admit_operation  # type: ignore[attr-defined]
    StackSet.update_operation = stop_operation  # type: ignore[method-assign]
    StackSet.get_operation = get_operation  # type: ignore[method-assign]
    StackSet.create_stack_instances = create_stack_instances  # type: ignore[method-assign]
    StackSet.delete_stack_instances = delete_stack_instances  # type: ignore[method-assign,assignment]
    CloudFormationBackend.describe_stack_instance = describe_stack_instance  # type: ignore[method-assign]
    response = responses.CloudFormationResponse
    for name in ("create_stack_instances", "update_stack_instances", "update_stack_set"):
        setattr(response, name, with_request(getattr(response, name)))
    response.delete_stack_instances = with_request(delete_stack_instances_answer)  # type: ignore[method-assign]
    response.list_stack_set_operation_results = list_operation_results_answer(response.list_stack_set_operation_results)  # type: ignore[method-assign]
    responses.StackSetOperationDTO.__init__ = operation_dto_init(responses.StackSetOperationDTO.__init__)  # type: ignore[method-assign]
