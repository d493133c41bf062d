"""Resource-level stack events. moto (``moto.cloudformation.parsing.parse_and_create_resource``,
``ResourceMap._delete_resource``) records only stack-level events, and a failing resource raises
out of the API call. Models CloudFormation's events
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html):
CREATE_IN_PROGRESS, CREATE_COMPLETE with the physical ID, CREATE_FAILED with the reason (a
resource waiting on a failed one: "Resource creation cancelled"); a failure ends the operation
(lifecycle.py rolls back); DELETE_COMPLETE (noting when moto keeps the resource in its backend),
DELETE_FAILED with the reason. Each created resource keeps its resolved properties, for updates
(updates.py). This module installs the one ResourceMap._delete_resource: a nested stack resource
deletes its child (nested_stacks.delete_child), any other resource goes through its service
(fixes/deletions.delete_resource)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import Stack

from .. import Context, Patch
from ..fixes.deletions import delete_resource as delete_through_service
from ..fixes.deletions import deletion_modelled
from ..patching import original, replace
from .nested_stacks import delete_child
from .stacks import EmbeddedStackFailed, StackOperationFailed, add_event, error_text, physical_id_of, stack_of

PATCH = Patch(
    name="resource-events",
    gap="no per-resource stack events; a failing resource surfaces as an API error, not as CREATE_FAILED",
    kind="models",
    corrects="moto.cloudformation.parsing.parse_and_create_resource, moto.cloudformation.parsing.ResourceMap._delete_resource",
)

CANCELLED = "Resource creation cancelled"
KEPT = "emulator: moto cannot delete this type; it left the stack but stays in moto's backend"


def resolved_properties(resource_json: dict[str, Any], resources_map: Any) -> dict[str, Any]:
    return dict(parsing.clean_json(resource_json.get("Properties") or {}, resources_map))


def remember_properties(resource: Any, properties: dict[str, Any]) -> None:
    try:
        resource._emulator_properties = properties
    except AttributeError:
        pass  # a model without instance attributes: its updates are judged as "changed"


def parse_and_create_resource(logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str) -> Any:
    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return None
    stack = stack_of(resources_map)
    resource_type = resource_json["Type"]
    add_event(stack, logical_id, "", resource_type, "CREATE_IN_PROGRESS")
    try:
        resource = original(parsing, "parse_and_create_resource")(logical_id, resource_json, resources_map, account_id, region_name)
        remember_properties(resource, resolved_properties(resource_json, resources_map))
    except StackOperationFailed:
        # A resource this one needs failed first; CloudFormation would not have started it.
        add_event(stack, logical_id, "", resource_type, "CREATE_FAILED", CANCELLED)
        raise
    except EmbeddedStackFailed as failed:
        add_event(stack, logical_id, failed.stack_id, resource_type, "CREATE_FAILED", failed.reason)
        raise StackOperationFailed(logical_id, failed.reason) from None
    except Exception as error:
        reason = error_text(error)
        add_event(stack, logical_id, "", resource_type, "CREATE_FAILED", reason)
        raise StackOperationFailed(logical_id, reason) from error
    add_event(stack, logical_id, physical_id_of(resource), resource_type, "CREATE_COMPLETE")
    return resource


def delete_resource(resources_map: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
    """Deletes one resource of the stack, with its DELETE_COMPLETE or DELETE_FAILED event."""
    logical_id = parsed_resource.logical_resource_id
    try:
        if isinstance(parsed_resource, Stack):
            delete_child(resources_map, parsed_resource)
        else:
            delete_through_service(resources_map, parsed_resource, resource_json)
    except (StackOperationFailed, EmbeddedStackFailed, Exception) as error:
        reason = error_text(error)
        physical = error.stack_id if isinstance(error, EmbeddedStackFailed) else physical_id_of(parsed_resource)
        add_event(stack_of(resources_map), logical_id, physical, resource_json["Type"], "DELETE_FAILED", reason)
        raise StackOperationFailed(logical_id, reason) from error
    note = None if deletion_modelled(resource_json["Type"]) else KEPT
    add_event(stack_of(resources_map), logical_id, physical_id_of(parsed_resource), resource_json["Type"], "DELETE_COMPLETE", note)


def apply(context: Context) -> None:
    # ResourceMap.__getitem__ calls the module global, so every creation (stack create, update
    # adds, lazy creation through Ref/GetAtt) comes through here.
    replace(parsing, "parse_and_create_resource", parse_and_create_resource)
    replace(parsing.ResourceMap, "_delete_resource", delete_resource)
