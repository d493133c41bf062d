"""StackSet operations as CloudFormation runs them. moto (``moto.cloudformation.models.StackSet``
create_stack_instances / delete_stack_instances / get_operation / update_operation,
``CloudFormationResponse.list_stack_set_operation_results``, ``StackSetOperationDTO``) runs every
stack set operation inside the API call (it creates or deletes the instance stacks there and
then), reports every operation SUCCEEDED with EndTimestamp = creation + 2 minutes and every
instance CURRENT / SUCCEEDED whatever became of its stack, and reads no OperationPreferences
(moto's operations date from https://github.com/getmoto/moto/pull/5731, for
https://github.com/getmoto/moto/issues/3425: real OperationIds and stacks, made inside the call).

Models (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperation.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationPreferences.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackSetOperationResultSummary.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackInstanceComprehensiveStatus.html):
- create-stack-instances / delete-stack-instances return at once with the OperationId; the
  operation runs on a worker thread: QUEUED while another operation of the same stack set runs
  (they run one after the other), RUNNING, then SUCCEEDED, or FAILED with a StatusReason when a
  region ends with more failed instances than the failure tolerance; EndTimestamp when it ended;
- list-stack-set-operation-results: one result per account and region, PENDING, RUNNING, then
  SUCCEEDED, FAILED with the stack's failure or CANCELLED;
- an instance is CURRENT / SUCCEEDED only when its stack reached CREATE_COMPLETE or
  UPDATE_COMPLETE (or was already up to date); OUTDATED with DetailedStatus PENDING, RUNNING,
  FAILED (with StatusReason) or CANCELLED otherwise; INOPERABLE when its stack could not be deleted;
- OperationPreferences: regions in RegionOrder (then as the call listed them); each region in
  waves of MaxConcurrentCount / MaxConcurrentPercentage accounts (STRICT_FAILURE_TOLERANCE, the
  default: at most tolerance + 1); FailureToleranceCount / FailureTolerancePercentage per region;
  once a region is over it, the instances not yet started there and in later regions are
  CANCELLED. The emulator deploys the stacks of a wave one after the other (all stack
  operations are serialized), so only the bookkeeping of waves is parallel, not the timing;
- StopStackSetOperation: STOPPING until the instances in progress are done, then STOPPED, the
  instances not started CANCELLED (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StopStackSetOperation.html);
- the caller's OperationId is the operation's ID (the SDKs send one as an idempotency token); one
  that exists already is OperationIdAlreadyExistsException, and an unknown one
  OperationNotFoundException (moto: a ValidationError "Stack with id … does not exist"), as the
  API Reference lists for CreateStackInstances and DescribeStackSetOperation
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackInstances.html,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackSetOperation.html);
- the permission model's targets: SERVICE_MANAGED takes organizational units, SELF_MANAGED
  accounts (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeploymentTargets.html).
What happens to each instance's stack is instances.py's; whether an operation may start while
another runs, managed_execution.py's. Not modelled: AccountGate functions are not called (SKIPPED,
as AWS does without one)."""

from __future__ import annotations

import math
import threading
import traceback
from collections.abc import Callable
from typing import Any

from moto.cloudformation import responses
from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.models import StackInstance, StackSet
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random

from .. import Context, Patch
from ..engine.stacks import error_text
from ..patching import original, replace
from .instances import as_list, deploy, remove_stack
from .managed_execution import admit_operation
from .requests import request_params, with_request

PATCH = Patch(
    name="stackset-operations",
    gap="stack set operations run inside the API call and always SUCCEED; instances are CURRENT even when their stack rolled back; OperationPreferences ignored",
    kind="models",
    corrects="moto.cloudformation.models.StackSet (create_stack_instances, delete_stack_instances, get_operation, update_operation), "
    "CloudFormationResponse (delete_stack_instances, list_stack_set_operation_results), StackSetOperationDTO",
)

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
    result_of = {id(i): r for i, r in zip(instances, operation["Results"], strict=True)}
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
    admit_operation(self)
    before = list(self.instances.stack_instances)
    self.instances.create_instances(accounts, regions, as_list(parameters), deployment_targets or {}, permission_model=self.permission_model)
    created = [i for i in self.instances.stack_instances if i not in before]
    return start_operation(self, "CREATE", created, lambda instance: deploy(self, instance))["OperationId"]


def delete_stack_instances(self: StackSet, accounts: list[str], regions: list[str]) -> str:
    admit_operation(self)
    targets = [i for i in self.instances.stack_instances if i.region_name in regions and i.account_id in accounts]
    retain = bool(request_params().get("RetainStacks", False))
    return start_operation(self, "DELETE", targets, lambda instance: remove_stack(instance, retain))["OperationId"]


# --- the API answers ------------------------------------------------------------------------------


def delete_stack_instances_answer(self: Any) -> ActionResult:
    # moto answers with the stack set's last operation, which a concurrent call may have replaced.
    stack_set = self.cloudformation_backend.describe_stack_set(self._get_param("StackSetName"))
    operation_id = stack_set.delete_stack_instances(self._get_param("Accounts", []), self._get_param("Regions", []))
    return ActionResult({"OperationId": operation_id})


def list_operation_results_answer(self: Any) -> ActionResult:
    operation = self.cloudformation_backend.list_stack_set_operation_results(self._get_param("StackSetName"), self._get_param("OperationId"))
    if "Results" not in operation:
        return original(responses.CloudFormationResponse, "list_stack_set_operation_results")(self)  # an operation run by moto itself
    return ActionResult({"Summaries": [dict(r) for r in operation["Results"]]})


def operation_dto_init(self: Any, operation: dict[str, Any], stack_set: StackSet) -> None:
    original(responses.StackSetOperationDTO, "__init__")(self, operation, stack_set)
    self.status_reason = operation.get("StatusReason")
    self.operation_preferences = operation.get("OperationPreferences") or None


def apply(context: Context) -> None:
    replace(StackSet, "update_operation", stop_operation)
    replace(StackSet, "get_operation", get_operation)
    replace(StackSet, "create_stack_instances", create_stack_instances)
    replace(StackSet, "delete_stack_instances", delete_stack_instances)
    response = responses.CloudFormationResponse
    for name in ("create_stack_instances", "update_stack_instances", "update_stack_set", "create_stack_set"):
        replace(response, name, with_request(original(response, name)))
    replace(response, "delete_stack_instances", with_request(delete_stack_instances_answer))
    replace(response, "list_stack_set_operation_results", list_operation_results_answer)
    replace(responses.StackSetOperationDTO, "__init__", operation_dto_init)
