"""Resource updates. moto (``moto.cloudformation.parsing.ResourceMap.update``,
``build_resource_diff``, ``parse_and_update_resource``) picks the resources to update from the raw
template text (a change that
reaches a resource through a GetAtt, a Fn::Sub or a condition is missed), in no dependency order;
it updates resources whose values did not change; it ignores conditions that turned false; and
for the many models without update support it stores None in place of the resource (the resource
vanishes from the stack). Models what CloudFormation does, as far as moto can:
- every resource of both templates is looked at, in dependency order; its resolved properties
  unchanged -> nothing happens (no event, same physical ID);
- its condition turned false -> it is deleted; turned true -> it is created;
- a property that replaces the resource in AWS changed (the spec's replacedBy) -> replacement: a
  new resource is created, then the old one deleted;
- only in-place properties changed and the model can update -> moto's update;
- it cannot -> the resource is kept as it is. This one case
  is only accepted: its UPDATE_COMPLETE event says "emulator: ... not applied".
Events UPDATE_IN_PROGRESS / UPDATE_COMPLETE / UPDATE_FAILED with the reason.
Order, as CloudFormation runs an update: new and changed resources first (dependency order), the
removed ones last, in reverse dependency order, in the cleanup phase (moto removes first). So a
renamed resource with a fixed physical name fails on its create while the old one still exists,
as in AWS (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html;
UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing

from .. import Context, Patch, current_context
from ..patching import replace
from .resource_events import CANCELLED, delete_resource, remember_properties
from .stack_policy import enforce, refuse_denied_removals
from .stacks import EmbeddedStackFailed, StackOperationFailed, add_event, dependency_order, error_text, physical_id_of, stack_of

PATCH = Patch(
    name="updates",
    gap="updates miss indirect changes and conditions; a model without update support is replaced by None",
    kind="models",
    corrects="moto.cloudformation.parsing.ResourceMap.update, ResourceMap.build_resource_diff, parse_and_update_resource",
)

NOT_APPLIED = "emulator: moto cannot update this type in place; the new properties are accepted but not applied"
REPLACING = "Requested update requires the creation of a new physical resource; hence creating one."


def changed_properties(old: dict[str, Any] | None, new: dict[str, Any]) -> set[str]:
    if old is None:
        return set(new) | {"*"}
    return {name for name in set(old) | set(new) if old.get(name) != new.get(name)}


def can_update(model: Any) -> bool:
    return not hasattr(model.update_from_cloudformation_json, "__isabstractmethod__")


def build_resource_diff(self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None) -> dict[str, list[str]]:
    old, new = self._resource_json_map, other_template["Resources"]
    ordered = dependency_order(new)
    return {
        "Add": [name for name in ordered if name not in old],
        "Modify": [name for name in ordered if name in old],
        "Remove": [name for name in old if name not in new],
    }


def act(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str, original: Any) -> Any:
    """Does the update; returns the resource that now stands for logical_id (or None)."""
    stack = stack_of(resources_map)
    resource_type = resource_json["Type"]
    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        if original is not None:
            delete_resource(resources_map, original, resource_json)
        return None
    if original is None:  # its condition just turned true
        return parsing.parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name)
    model, cleaned, new_name = parsing.parse_resource_and_generate_name(logical_id, resource_json, resources_map)
    properties = cleaned.get("Properties") or {}
    changed = changed_properties(getattr(original, "_emulator_properties", None), properties)
    if not changed and getattr(original, "cf_resource_type", resource_type) == resource_type:
        return original
    types = current_context().types
    replaces = bool(changed & set(types.get(resource_type, {}).get("replacedBy", []))) or "*" in changed or resource_type not in types
    enforce(resources_map, "Update:Replace" if replaces else "Update:Modify", logical_id, resource_type)
    add_event(stack, logical_id, physical_id_of(original), resource_type, "UPDATE_IN_PROGRESS")
    note = None
    if replaces:
        # CloudFormation replaces: the new resource first, then the old one deleted in cleanup.
        add_event(stack, logical_id, physical_id_of(original), resource_type, "UPDATE_IN_PROGRESS", REPLACING)
        updated = model.create_from_cloudformation_json(new_name, cleaned, account_id, region_name, LogicalId=logical_id, StackId=resources_map.stack_id, ResourceType=resource_type)
        delete_resource(resources_map, original, resources_map._resource_json_map.get(logical_id, resource_json))
    elif can_update(model):
        updated = model.update_from_cloudformation_json(original_resource=original, new_resource_name=new_name, cloudformation_json=cleaned, account_id=account_id, region_name=region_name)
    else:
        updated, note = original, NOT_APPLIED
    updated.cf_resource_type = resource_type
    updated.logical_resource_id = logical_id
    remember_properties(updated, properties)
    add_event(stack, logical_id, physical_id_of(updated), resource_type, "UPDATE_COMPLETE", note)
    return updated


def parse_and_update_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
    original = resources_map._parsed_resources.get(logical_id)
    resource_type = resource_json["Type"]
    stack = stack_of(resources_map)
    try:
        return act(logical_id, resource_json, resources_map, account_id, region_name, original)
    except StackOperationFailed as failed:
        if failed.logical_id != logical_id:  # a resource it needs failed first
            add_event(stack, logical_id, physical_id_of(original), resource_type, "UPDATE_FAILED", CANCELLED)
        raise
    except EmbeddedStackFailed as failed:
        add_event(stack, logical_id, failed.stack_id, resource_type, "UPDATE_FAILED", failed.reason)
        raise StackOperationFailed(logical_id, failed.reason) from None
    except Exception as error:
        reason = error_text(error)
        add_event(stack, logical_id, physical_id_of(original), resource_type, "UPDATE_FAILED", reason)
        raise StackOperationFailed(logical_id, reason) from error


def update(self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None) -> None:
    refuse_denied_removals(self, template)  # before anything changes
    names = self.build_resource_diff(template, parameters)
    old_resources = dict(self._resource_json_map)
    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]
    for logical_id in dependency_order(template["Resources"]):
        if logical_id in names["Add"]:
            _ = self[logical_id]  # moto creates a resource on first access
        elif logical_id in names["Modify"]:
            self._parsed_resources[logical_id] = parse_and_update_resource(logical_id, self._resource_json_map[logical_id], self, account_id=self._account_id, region_name=self._region_name)
    for logical_id in reversed(dependency_order(old_resources)):
        if logical_id in names["Remove"] and logical_id in self._parsed_resources:
            delete_resource(self, self._parsed_resources[logical_id], old_resources[logical_id])


def apply(context: Context) -> None:
    replace(parsing, "parse_and_update_resource", parse_and_update_resource)
    replace(parsing.ResourceMap, "build_resource_diff", build_resource_diff)
    replace(parsing.ResourceMap, "update", update)
