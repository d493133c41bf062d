"""Change sets, as `aws cloudformation deploy` uses them
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-changesets.html).
moto (``moto.cloudformation.models.CloudFormationBackend.create_change_set`` /
``execute_change_set``, ``ChangeSet.diff``, ``CloudFormationResponse._validate_different_update``)
executes a change set inside the API call (so no events can be watched while it runs), never refreshes the stack's template,
parameters and outputs after executing one (outputs stay empty), compares parameters with their
typed values (so an unchanged redeploy is not "no changes"), lists no parameter-driven changes,
leaves Replacement empty, and accepts a CREATE change set for a stack that already exists.
Models:
- a CREATE change set checks the template and its parameters first (ValidationError, as AWS);
- an UPDATE change set with the same template and the same effective parameter values is FAILED
  with "The submitted information didn't contain changes..." (deploy --no-fail-on-empty-changeset);
- the changes list template and parameter-driven modifications, with Replacement True/False
  from the resource specification's replacement properties; a parameter's new value is known
  when the change set is made (Evaluation Static), so a changed parameter that feeds a
  replacement property replaces the resource (True); Conditional only where a value is known
  after the update (a nested stack parameter fed by a resource that changes, nested_change_sets.py)
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html, Replacement);
- ExecuteChangeSet returns at once and the stack operation runs on a worker thread, so events
  stream while it runs, as in AWS
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ExecuteChangeSet.html).
Nested change sets are nested_change_sets.py's. Not modelled: change set Details."""

from __future__ import annotations

import threading
import traceback
from typing import Any

from moto.cloudformation import responses
from moto.cloudformation.exceptions import AlreadyExistsException, ValidationError
from moto.cloudformation.models import Change, ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.parsing import ResourceMap

from .. import Context, Patch, current_context
from ..patching import original, replace
from ..values import parameter_text
from .stacks import OPERATION_LOCK, add_stack_event, effective_parameters, error_text, template_references

PATCH = Patch(
    name="change-sets",
    gap="change sets execute synchronously, leave the stack without outputs, miss parameter changes and no-op detection",
    kind="models",
    corrects="moto.cloudformation.models.CloudFormationBackend.create_change_set / execute_change_set, ChangeSet.diff, CloudFormationResponse._validate_different_update",
)

NO_CHANGES = "The submitted information didn't contain changes. Submit different information to create a change set."


def replacement(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    if resource_type == "AWS::CloudFormation::Stack":
        return "False"
    old_props, new_props = old.get("Properties") or {}, new.get("Properties") or {}
    changed = {name for name in set(old_props) | set(new_props) if old_props.get(name) != new_props.get(name)}
    return "True" if changed & replaced_by(resource_type) else "False"


# What CloudFormation cannot know before the update runs (a nested stack parameter fed by it).
KNOWN_AFTER_UPDATE = "{{emulator:known-after-update}}"


def replaced_by(resource_type: str) -> set[str]:
    """The properties whose change replaces a resource of the type (the resource specification's)."""
    return set(current_context().types.get(resource_type, {}).get("replacedBy", []))


def parameter_replacement(spec: dict[str, Any], changed: set[str], values: dict[str, str]) -> str:
    """Replacement of a resource whose template is unchanged but whose parameters are not."""
    if spec["Type"] == "AWS::CloudFormation::Stack":
        return "False"
    replacing = replaced_by(spec["Type"])
    feeding = {name for prop, value in (spec.get("Properties") or {}).items() if prop in replacing for name in template_references(value) & changed}
    if not feeding:
        return "False"
    return "Conditional" if any(values.get(name) == KNOWN_AFTER_UPDATE for name in feeding) else "True"


def make_change(action: str, logical_id: str, resource_type: str, physical_id: str | None, replaces: str | None) -> Change:
    change = Change(action=action, logical_resource_id=logical_id, resource_type=resource_type)
    change.physical_resource_id = physical_id
    change.replacement = replaces
    return change


def diff(self: ChangeSet) -> list[Change]:
    stack = self.stack
    old_resources = stack.template_dict.get("Resources") or {} if stack.template_dict else {}
    new_resources = self.template_dict.get("Resources") or {}
    old_values = effective_parameters(stack.template_dict or {}, stack.resource_map.input_parameters if stack.template_dict else {})
    new_values = effective_parameters(self.template_dict, self.parameters)
    changed_parameters = {name for name in set(old_values) | set(new_values) if old_values.get(name) != new_values.get(name)}
    existing = {getattr(r, "logical_resource_id", None): r for r in stack.stack_resources}
    changes = []
    for logical_id, spec in new_resources.items():
        physical = getattr(existing.get(logical_id), "physical_resource_id", None)
        physical = physical if isinstance(physical, str) else None
        if logical_id not in old_resources:
            changes.append(make_change("Add", logical_id, spec["Type"], None, None))
        elif spec != old_resources[logical_id]:
            changes.append(make_change("Modify", logical_id, spec["Type"], physical, replacement(spec["Type"], old_resources[logical_id], spec)))
        elif template_references(spec) & changed_parameters:
            changes.append(make_change("Modify", logical_id, spec["Type"], physical, parameter_replacement(spec, changed_parameters, new_values)))
    for logical_id, spec in old_resources.items():
        if logical_id not in new_resources:
            changes.append(make_change("Remove", logical_id, spec["Type"], None, None))
    return changes


def create_change_set(self: CloudFormationBackend, stack_name: str, change_set_name: str, template: str, parameters: dict[str, Any], change_set_type: str, **options: Any) -> tuple[str, str]:
    """moto's create_change_set (keyword arguments; description, notification_arns, tags, role_arn go to moto's as they are)."""
    parameters = {name: parameter_text(value) for name, value in parameters.items()}
    if change_set_type == "CREATE":
        for stack in list(self.stacks.values()):
            if stack.name == stack_name:
                if stack.status != "REVIEW_IN_PROGRESS":
                    raise AlreadyExistsException(f"Stack [{stack_name}] already exists")
                del self.stacks[stack.stack_id]
        # What CloudFormation checks before it accepts the change set: the template parses and
        # every parameter without a default has a value.
        ResourceMap("probe", stack_name, parameters, {}, self.region_name, self.account_id, Stack.parse_template(template), self.exports).load()
    moto = original(CloudFormationBackend, "create_change_set")
    change_set_id, stack_id = moto(self, stack_name=stack_name, change_set_name=change_set_name, template=template, parameters=parameters, change_set_type=change_set_type, **options)
    change_set = self.change_sets[change_set_id]
    if change_set_type == "UPDATE":
        stack = change_set.stack
        same_template = Stack.parse_template(stack.template) == change_set.template_dict if isinstance(stack.template, str) else False
        same_values = effective_parameters(change_set.template_dict, parameters) == effective_parameters(stack.template_dict, stack.resource_map.input_parameters)
        if same_template and same_values:
            change_set.status, change_set.execution_status, change_set.status_reason = "FAILED", "UNAVAILABLE", NO_CHANGES
        else:
            change_set.status, change_set.execution_status, change_set.status_reason = "CREATE_COMPLETE", "AVAILABLE", None
    return change_set_id, stack_id


def run_change_set(stack: Stack, change_set: ChangeSet) -> None:
    with OPERATION_LOCK:
        try:
            if change_set.change_set_type == "CREATE":
                stack.template = change_set.template
                stack._parse_template()
                stack.description = stack.template_dict.get("Description")
                stack.parameters = change_set.parameters
                stack.tags = change_set.tags or stack.tags
                stack.resource_map = stack._create_resource_map()
                stack.output_map = stack._create_output_map()
                stack.create_resources()
            else:
                stack.update(change_set.template, role_arn=change_set.role_arn, parameters=change_set.parameters, tags=change_set.tags or None)
        except BaseException as error:  # a defect in a patch must not leave the stack in progress forever
            traceback.print_exc()
            stack.status_reason = f"emulator: {error_text(error)}"
            add_stack_event(stack, "CREATE_FAILED" if change_set.change_set_type == "CREATE" else "UPDATE_ROLLBACK_FAILED", stack.status_reason)
        succeeded = stack.status in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
        change_set.execution_status = "EXECUTE_COMPLETE" if succeeded else "EXECUTE_FAILED"


def execute_change_set(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = self.change_sets.get(change_set_name) or next(
        (cs for cs in self.change_sets.values() if cs.change_set_name == change_set_name and (not stack_name or stack_name in (cs.stack_name, cs.stack_id))),
        None,
    )
    if change_set is None:
        raise ValidationError(message=f"ChangeSet [{change_set_name}] does not exist")
    if change_set.execution_status != "AVAILABLE":
        raise ValidationError(message=f"ChangeSet [{change_set.change_set_id}] cannot be executed in its current execution status of [{change_set.execution_status}]")
    stack = self.stacks[change_set.stack_id]
    change_set.execution_status = "EXECUTE_IN_PROGRESS"
    if change_set.change_set_type == "CREATE":
        add_stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")
    else:
        stack.status = "UPDATE_IN_PROGRESS"
    threading.Thread(target=run_change_set, args=(stack, change_set), name=f"change-set {change_set.change_set_name}", daemon=True).start()


def _validate_different_update(self: Any, incoming_params: Any, stack_body: str, old_stack: Stack) -> None:
    # A change set without changes is created and FAILED, not refused (only UpdateStack refuses):
    # `aws cloudformation deploy --no-fail-on-empty-changeset` of an unchanged TemplateBody needs it.
    if self._get_action() == "CreateChangeSet":
        return
    original(responses.CloudFormationResponse, "_validate_different_update")(self, incoming_params, stack_body, old_stack)


def apply(context: Context) -> None:
    replace(ChangeSet, "diff", diff)
    replace(CloudFormationBackend, "create_change_set", create_change_set)
    # execute_change_set is installed by nested_change_sets.py, whose execute() runs it for the root.
    replace(responses.CloudFormationResponse, "_validate_different_update", _validate_different_update)
