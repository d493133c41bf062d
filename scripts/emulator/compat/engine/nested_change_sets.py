"""Change sets for nested stacks (CreateChangeSet IncludeNestedStacks) and each change's
PolicyAction. moto (``moto.cloudformation.responses.CloudFormationResponse.create_change_set``,
``CloudFormationBackend.execute_change_set`` / ``delete_change_set``) ignores IncludeNestedStacks: the root change set shows one Modify per nested
stack and nothing of what happens inside it, and it leaves PolicyAction empty. `make deploy`
reads both for its data-loss gate, so a whole flow (deploy refused on a rename, allowed by name)
needs them. Models, after the AWS documentation:
- IncludeNestedStacks creates a change set for every nested stack the root change set modifies;
  the parent's ResourceChange.ChangeSetId names it, the nested change set has ParentChangeSetId and
  RootChangeSetId, IncludeNestedStacks true, and its own Changes, at any depth
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/change-sets-for-nested-stacks.html,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ResourceChange.html,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeChangeSet.html);
- a nested stack's new parameters are resolved in the parent with the new parameter values; a
  value only known after the update (a resource being added, or an output of a sibling nested
  stack that is itself modified) makes what depends on it Conditional, as CloudFormation does;
- execute and delete act on the whole hierarchy from the root change set; a nested change set
  cannot be executed or deleted on its own ("must be executed or deleted from the root change
  set", same User Guide page);
- PolicyAction of a change: Remove -> the old DeletionPolicy (Delete, Retain, Snapshot;
  RetainExceptOnCreate retains), Modify with Replacement True -> ReplaceAndDelete /
  ReplaceAndRetain / ReplaceAndSnapshot from the UpdateReplacePolicy (API_ResourceChange.html,
  PolicyAction; https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
Not modelled: nested change sets for nested stacks that are added (nothing in them exists yet)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import responses
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.parsing import ResourceMap, clean_json

from .. import Context, Patch
from ..patching import original, replace
from ..values import parameter_text
from . import change_sets
from .change_sets import KNOWN_AFTER_UPDATE
from .nested_stacks import child_template
from .stacks import template_references

PATCH = Patch(
    name="nested-change-sets",
    gap="IncludeNestedStacks is ignored (no nested change sets); PolicyAction is empty",
    kind="models",
    corrects="moto.cloudformation.responses.CloudFormationResponse.create_change_set (IncludeNestedStacks ignored), "
    "CloudFormationBackend.execute_change_set / delete_change_set, Change (no PolicyAction)",
)

NESTED = "AWS::CloudFormation::Stack"
REMOVE_POLICY = {"Retain": "Retain", "RetainExceptOnCreate": "Retain", "Snapshot": "Snapshot"}
REPLACE_POLICY = {"Retain": "ReplaceAndRetain", "Snapshot": "ReplaceAndSnapshot"}


def policy_action(change: Any, old_resources: dict[str, Any]) -> str | None:
    old = old_resources.get(change.logical_resource_id) or {}
    if change.action == "Remove":
        return REMOVE_POLICY.get(str(old.get("DeletionPolicy")), "Delete")
    if change.action == "Modify" and getattr(change, "replacement", None) == "True":
        return REPLACE_POLICY.get(str(old.get("UpdateReplacePolicy")), "ReplaceAndDelete")
    return None


def new_side(backend: CloudFormationBackend, change_set: ChangeSet) -> ResourceMap:
    """The parent as the change set would leave it: new parameters, the resources that exist now."""
    stack = change_set.stack
    resolver = ResourceMap(stack.stack_id, stack.name, change_set.parameters, stack.tags or {}, backend.region_name, backend.account_id, change_set.template_dict, backend.exports)
    resolver.load()
    for logical_id, resource in stack.resource_map._parsed_resources.items():
        resolver._parsed_resources.setdefault(logical_id, resource)
    return resolver


def child_inputs(resolver: ResourceMap, properties: dict[str, Any], changing: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The nested stack's TemplateURL and parameters, resolved in the parent; unknowable values marked."""
    known = set(resolver._parsed_resources) - changing
    parameters: dict[str, str] = {}
    for name, value in (properties.get("Parameters") or {}).items():
        unknown = {ref for ref in template_references(value) if not ref.startswith("AWS::")} - known
        parameters[name] = KNOWN_AFTER_UPDATE if unknown else parameter_text(clean_json(value, resolver))
    return {"TemplateURL": clean_json(properties["TemplateURL"], resolver)}, parameters


def nest(backend: CloudFormationBackend, change_set: ChangeSet, root_id: str, parent_id: str | None) -> None:
    change_set.include_nested_stacks = True
    change_set.root_change_set_id = root_id
    change_set.parent_change_set_id = parent_id
    change_set.nested_change_set_ids = []
    if change_set.status != "CREATE_COMPLETE":
        return
    new_resources = change_set.template_dict.get("Resources") or {}
    modified = {c.logical_resource_id for c in change_set.changes if c.action in ("Add", "Modify")}
    resolver = new_side(backend, change_set)
    for change in change_set.changes:
        if change.resource_type != NESTED or change.action != "Modify":
            continue
        child = change_set.stack.resource_map._parsed_resources.get(change.logical_resource_id)
        if not isinstance(child, Stack):
            continue
        location, parameters = child_inputs(resolver, new_resources[change.logical_resource_id].get("Properties") or {}, modified - {change.logical_resource_id})
        template = child_template(location, backend.account_id, backend.region_name)
        name = f"{change_set.change_set_name}-{change.logical_resource_id}"[:128]
        child_id, _ = change_sets.create_change_set(
            backend, stack_name=child.name, change_set_name=name, template=template, parameters=parameters, change_set_type="UPDATE", description=None, tags=child.tags
        )
        nested = backend.change_sets[child_id]
        if nested.status == "FAILED":  # unchanged inside: a nested change set with no changes
            nested.status, nested.execution_status, nested.status_reason, nested.changes = "CREATE_COMPLETE", "AVAILABLE", None, []
        change.change_set_id = child_id
        change_set.nested_change_set_ids.append(child_id)
        with_policy_actions(nested)
        nest(backend, nested, root_id, change_set.change_set_id)


def with_policy_actions(change_set: ChangeSet) -> None:
    stack = change_set.stack
    old = (stack.template_dict or {}).get("Resources") or {} if stack.template_dict else {}
    for change in change_set.changes:
        change.policy_action = policy_action(change, old)


def create_change_set_response(self: Any) -> Any:
    result = original(responses.CloudFormationResponse, "create_change_set")(self)
    backend = self.cloudformation_backend
    change_set = backend.change_sets[result.result["Id"]]
    with_policy_actions(change_set)
    if self._get_bool_param("IncludeNestedStacks", False):
        nest(backend, change_set, change_set.change_set_id, None)
    return result


def hierarchy(backend: CloudFormationBackend, change_set: ChangeSet) -> list[ChangeSet]:
    found = [change_set]
    for child_id in getattr(change_set, "nested_change_set_ids", []):
        if child_id in backend.change_sets:
            found.extend(hierarchy(backend, backend.change_sets[child_id]))
    return found


def find(backend: CloudFormationBackend, name: str) -> ChangeSet | None:
    return backend.change_sets.get(name) or next((cs for cs in backend.change_sets.values() if cs.change_set_name == name), None)


def refuse_nested(change_set: ChangeSet | None, action: str) -> None:
    if change_set is not None and getattr(change_set, "parent_change_set_id", None):
        raise ValidationError(message=f"ChangeSet [{change_set.change_set_id}] is a nested change set; {action} it from its root change set [{change_set.root_change_set_id}]")


def execute(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = find(self, change_set_name)
    refuse_nested(change_set, "execute")
    change_sets.execute_change_set(self, change_set_name, stack_name)
    if change_set is not None:
        for nested in hierarchy(self, change_set)[1:]:
            nested.execution_status = "EXECUTE_COMPLETE"


def delete(self: CloudFormationBackend, change_set_name: str) -> None:
    change_set = find(self, change_set_name)
    if change_set is None:
        raise ValidationError(message=f"ChangeSet [{change_set_name}] does not exist")
    refuse_nested(change_set, "delete")
    for member in hierarchy(self, change_set):
        self.change_sets.pop(member.change_set_id, None)


def apply(context: Context) -> None:
    replace(ChangeSet, "include_nested_stacks", False)
    replace(ChangeSet, "parent_change_set_id", None)
    replace(ChangeSet, "root_change_set_id", None)
    replace(responses.CloudFormationResponse, "create_change_set", create_change_set_response)
    # Installed here and not by change_sets.py: execute and delete act on the whole hierarchy.
    replace(CloudFormationBackend, "execute_change_set", execute)
    replace(CloudFormationBackend, "delete_change_set", delete)
