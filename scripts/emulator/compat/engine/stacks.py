"""Helpers shared by the engine patches (not a patch itself): the operation lock, stack events
(https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html), failures,
parameter values and the dependency order of a template's resources
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html)."""

from __future__ import annotations

import re
import threading
from typing import Any

from moto.cloudformation.models import Event, Stack, cloudformation_backends

from ..values import parameter_text

# One stack operation at a time in the whole emulator: moto's models are not thread-safe, and
# change sets now execute on a worker thread while the server keeps answering.
OPERATION_LOCK = threading.RLock()

# How many rollbacks are running (nested stacks roll back inside their root's): stack policies
# do not govern rollbacks. Only touched under OPERATION_LOCK.
ROLLBACKS = [0]


class StackOperationFailed(BaseException):
    """A resource failed; ends the stack operation. A BaseException on purpose: moto's update and
    delete loops catch Exception and retry up to five times, which would repeat the failure."""

    def __init__(self, logical_id: str, reason: str):
        super().__init__(f"{logical_id}: {reason}")
        self.logical_id = logical_id
        self.reason = reason


class EmbeddedStackFailed(BaseException):
    """A nested stack's own operation failed (and it rolled itself back)."""

    def __init__(self, stack_id: str, reason: str):
        super().__init__(reason)
        self.stack_id = stack_id
        self.reason = reason


def stack_of(resources_map: Any) -> Stack | None:
    backend = cloudformation_backends[resources_map._account_id][resources_map._region_name]
    return backend.stacks.get(resources_map.stack_id) or backend.deleted_stacks.get(resources_map.stack_id)


def add_event(stack: Stack | None, logical_id: str, physical_id: str, resource_type: str, status: str, reason: str | None = None) -> None:
    if stack is None:
        return
    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id or "",
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def add_stack_event(stack: Stack, status: str, reason: str | None = None) -> None:
    stack.status = status
    add_event(stack, stack.name, stack.stack_id, "AWS::CloudFormation::Stack", status, reason)


def physical_id_of(resource: Any) -> str:
    value = getattr(resource, "physical_resource_id", "")
    return value if isinstance(value, str) else ""


def error_text(error: BaseException) -> str:
    """A one-line reason, as CloudFormation shows it in ResourceStatusReason."""
    if isinstance(error, (StackOperationFailed, EmbeddedStackFailed)):
        return error.reason
    if getattr(error, "plain", False):
        return str(error)
    message = getattr(error, "message", None) or str(error) or repr(error)
    code = getattr(error, "error_type", None) or type(error).__name__
    text = " ".join(str(message).split())
    return f"{code}: {text}" if code and code not in text else text


def effective_parameters(template: dict[str, Any], given: dict[str, Any]) -> dict[str, str]:
    """Every declared parameter's value: the given one, else the default."""
    values: dict[str, str] = {}
    for name, spec in (template.get("Parameters") or {}).items():
        if name in given:
            values[name] = parameter_text(given[name])
        elif isinstance(spec, dict) and "Default" in spec:
            values[name] = parameter_text(spec["Default"])
    return values


def template_references(value: Any) -> set[str]:
    """Names a template fragment refers to: Ref targets, GetAtt resources, ${Name} in Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                target = inner[0] if isinstance(inner, list) and inner else inner.split(".")[0] if isinstance(inner, str) else None
                if isinstance(target, str):
                    found.add(target)
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                if isinstance(text, str):
                    found.update(name.split(".")[0] for name in re.findall(r"\$\{([^!}][^}]*)\}", text))
                found |= template_references(inner)
            else:
                found |= template_references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= template_references(inner)
    return found


def resource_dependencies(resources: dict[str, Any]) -> dict[str, set[str]]:
    """For each resource, the resources it refers to (Ref, GetAtt, Fn::Sub) or DependsOn."""
    def needs(spec: dict[str, Any]) -> set[str]:
        depends_on = spec.get("DependsOn") or []
        return (template_references(spec) | set([depends_on] if isinstance(depends_on, str) else depends_on)) & set(resources)

    return {name: needs(spec) for name, spec in resources.items()}


def dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical IDs, each after the resources it refers to or DependsOn (template order otherwise)."""
    dependencies = resource_dependencies(resources)

    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for dependency in sorted(dependencies[name]):
            visit(dependency)
        order.append(name)

    for name in resources:
        visit(name)
    return order
