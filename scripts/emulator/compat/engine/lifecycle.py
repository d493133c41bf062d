"""Stack operations that end the way CloudFormation's do. moto (``moto.cloudformation.models.Stack``
create_resources / update / delete / outputs / exports / stack_resources,
``CloudFormationBackend.create_stack`` / ``delete_stack``) raises a resource failure out of the
API call and leaves the stack half-made in *_IN_PROGRESS; it has no rollback; it computes outputs
and exports lazily, on any describe call, by creating resources from whichever thread asks.
Models (stack status codes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html;
rollback on failure: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html;
exports: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html):
- create: CREATE_COMPLETE, or on failure ROLLBACK_IN_PROGRESS ("The following resource(s) failed
  to create: [X]"), the created resources deleted (Retain kept, DELETE_SKIPPED), ROLLBACK_COMPLETE;
- update: UPDATE_COMPLETE, or on failure UPDATE_ROLLBACK_IN_PROGRESS, the previous template and
  parameters re-applied, UPDATE_ROLLBACK_COMPLETE with the previous outputs;
- delete: resources in reverse dependency order (moto: a retry loop); DELETE_COMPLETE, or
  DELETE_FAILED naming the resource (the others still deleted; the stack stays listed);
- StackStatusReason; LastUpdatedTime (when the last update started; moto has none); outputs,
  exports and the resource list are snapshots taken when an operation ends (no describe call
  creates anything); exports are registered only on success and must be unique in the region.
Deletion with DeletionPolicy RetainExceptOnCreate retains the resource, like Retain; a failed
create deletes it (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
DeleteStack on a stack with termination protection is refused (termination_protection.py)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import AlreadyExistsException, ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack
from moto.cloudformation.utils import generate_stack_id
from moto.core.utils import utcnow

from .. import Context, Patch
from ..patching import replace
from .stacks import OPERATION_LOCK, ROLLBACKS, EmbeddedStackFailed, StackOperationFailed, add_event, add_stack_event, dependency_order, error_text, physical_id_of, resource_dependencies
from .termination_protection import refuse_if_protected

PATCH = Patch(
    name="lifecycle",
    gap="no rollback; failures escape as API errors; outputs/exports computed lazily by creating resources on describe",
    kind="models",
    corrects="moto.cloudformation.models.Stack (create_resources, update, delete, outputs, exports, stack_resources), CloudFormationBackend.create_stack / delete_stack",
)

RETAINED = ("Retain", "RetainExceptOnCreate")


def failed_resource(failure: BaseException) -> str | None:
    return failure.logical_id if isinstance(failure, StackOperationFailed) else None


def failure_summary(failure: BaseException, verb: str) -> str:
    logical_id = failed_resource(failure)
    if logical_id:
        return f"The following resource(s) failed to {verb}: [{logical_id}]."
    return error_text(failure)


def take_snapshot(stack: Stack) -> None:
    """Evaluates the outputs and exports once, when an operation ends (raises if one cannot be)."""
    outputs = []
    for key in stack.output_map:
        try:
            output = stack.output_map[key]
        except (StackOperationFailed, EmbeddedStackFailed):
            raise
        except Exception as error:
            raise ValidationError(message=f"Output {key}: {error_text(error)}") from error
        if output is None or output.value is None:
            continue  # its condition is false, or its value is AWS::NoValue
        if isinstance(output.value, dict):
            raise ValidationError(message=f"Output {key}: its value could not be resolved ({output.value!r})")
        outputs.append(output)
    stack._emulator_outputs = outputs
    stack._emulator_exports = stack.output_map.exports


def snapshot_outputs(stack: Stack) -> list[dict[str, Any]] | None:
    exports = {export.value: export.name for export in stack._emulator_exports}
    outputs = [
        {"OutputKey": o.key, "OutputValue": o.value, "Description": o.description, "ExportName": exports.get(o.value)}
        for o in stack._emulator_outputs
    ]
    return outputs or None


def created_resources(stack: Stack) -> list[Any]:
    resource_map = stack.resource_map
    declared = resource_map._resource_json_map
    return [resource for logical_id, resource in list(resource_map._parsed_resources.items()) if logical_id in declared and resource is not None]


def backend_of(stack: Stack) -> CloudFormationBackend:
    from moto.cloudformation.models import cloudformation_backends

    return cloudformation_backends[stack.account_id][stack.region_name]


def register_exports(stack: Stack) -> None:
    backend = backend_of(stack)
    for export in stack._emulator_exports:
        holder = backend.exports.get(export.name)
        if holder is not None and holder.exporting_stack_id != stack.stack_id:
            raise ValidationError(message=f"Export with name {export.name} is already exported by stack {holder.exporting_stack_id}")
    for name in [name for name, export in backend.exports.items() if export.exporting_stack_id == stack.stack_id]:
        del backend.exports[name]
    for export in stack._emulator_exports:
        backend.exports[export.name] = export


def mark_retained(stack: Stack, policies: tuple[str, ...] = RETAINED) -> None:
    for resource in created_resources(stack):
        resource_json = stack.resource_map._resource_json_map[resource.logical_resource_id]
        if resource_json.get("DeletionPolicy") in policies:
            add_event(stack, resource.logical_resource_id, physical_id_of(resource), resource_json["Type"], "DELETE_SKIPPED")


def delete_resources(stack: Stack, kept: tuple[str, ...] = RETAINED) -> None:
    """Deletes the stack's resources in reverse dependency order, as CloudFormation does (moto
    retries in a loop instead, and honours only Retain). A failure blocks the resources the failed
    one depends on; the others are still deleted; the first failure is raised at the end."""
    resource_map = stack.resource_map
    declared = resource_map._resource_json_map
    dependencies = resource_dependencies(declared)
    blocked: set[str] = set()
    failures: list[StackOperationFailed] = []

    def block(name: str) -> None:
        for dependency in dependencies.get(name, ()):
            if dependency not in blocked:
                blocked.add(dependency)
                block(dependency)

    for logical_id in reversed(dependency_order(declared)):
        spec = declared[logical_id]
        resource = resource_map._parsed_resources.get(logical_id)
        if spec.get("DeletionPolicy") in kept or resource is None or isinstance(resource, (str, int, float, list, dict)):
            continue
        if logical_id in blocked:
            block(logical_id)
            continue
        try:
            resource_map._delete_resource(resource, spec)
        except StackOperationFailed as failure:
            failures.append(failure)
            block(logical_id)
            continue
        resource_map._parsed_resources.pop(logical_id, None)
    if failures:
        raise failures[0]


def create_resources(self: Stack) -> None:
    self.status = "CREATE_IN_PROGRESS"
    try:
        self.resource_map.create(self.template_dict)
        self.description = self.template_dict.get("Description")
        take_snapshot(self)
        register_exports(self)
    except (StackOperationFailed, EmbeddedStackFailed, Exception) as failure:
        reason = failure_summary(failure, "create")
        self.status_reason = reason
        add_stack_event(self, "ROLLBACK_IN_PROGRESS", f"{reason} Rollback requested by user.")
        mark_retained(self, ("Retain",))
        try:
            delete_resources(self, ("Retain",))  # on a failed create, RetainExceptOnCreate resources go too
            add_stack_event(self, "ROLLBACK_COMPLETE")
        except (StackOperationFailed, EmbeddedStackFailed, Exception) as error:
            add_stack_event(self, "ROLLBACK_FAILED", error_text(error))
        return
    add_stack_event(self, "CREATE_COMPLETE")


def update(self: Stack, template: str, role_arn: str | None = None, parameters: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> None:
    previous_template = self.template
    previous_parameters = dict(self.resource_map.input_parameters)
    self.last_updated_time = utcnow()  # describe-stacks LastUpdatedTime: when the last update started
    add_stack_event(self, "UPDATE_IN_PROGRESS", "User Initiated")
    try:
        self.template = template
        self._parse_template()
        self.resource_map.update(self.template_dict, parameters)
        self.output_map = self._create_output_map()
        take_snapshot(self)
        register_exports(self)
    except (StackOperationFailed, EmbeddedStackFailed, Exception) as failure:
        reason = failure_summary(failure, "update")
        self.status_reason = reason
        add_stack_event(self, "UPDATE_ROLLBACK_IN_PROGRESS", reason)
        ROLLBACKS[0] += 1
        try:
            self.template = previous_template
            self._parse_template()
            self.resource_map.update(self.template_dict, previous_parameters)
            self.output_map = self._create_output_map()
            take_snapshot(self)
            register_exports(self)
            add_stack_event(self, "UPDATE_ROLLBACK_COMPLETE")
        except (StackOperationFailed, EmbeddedStackFailed, Exception) as error:
            add_stack_event(self, "UPDATE_ROLLBACK_FAILED", error_text(error))
        finally:
            ROLLBACKS[0] -= 1
        return
    self.role_arn = role_arn or self.role_arn
    if parameters:
        self.parameters = parameters
    if tags is not None:
        self.tags = tags
    self.description = self.template_dict.get("Description")
    self.status_reason = None
    add_stack_event(self, "UPDATE_COMPLETE")


def delete(self: Stack) -> None:
    add_stack_event(self, "DELETE_IN_PROGRESS", "User Initiated")
    mark_retained(self)
    try:
        delete_resources(self)
    except (StackOperationFailed, EmbeddedStackFailed, Exception) as failure:
        reason = f"The following resource(s) failed to delete: [{failed_resource(failure) or '?'}]."
        self.status_reason = reason
        add_stack_event(self, "DELETE_FAILED", reason)
        return
    add_stack_event(self, "DELETE_COMPLETE")


def create_stack(self: CloudFormationBackend, name: str, template: str, parameters: dict[str, Any], **options: Any) -> Stack:
    """moto's create_stack (its keyword options: notification_arns, tags, role_arn,
    enable_termination_protection, timeout_in_mins, stack_policy_body go to the Stack as they are)."""
    if name in [stack.name for stack in self.stacks.values()]:
        raise AlreadyExistsException(f"Stack [{name}] already exists")
    stack = Stack(
        stack_id=generate_stack_id(name, self.region_name, self.account_id),
        name=name,
        template=template,
        parameters=parameters,
        account_id=self.account_id,
        region_name=self.region_name,
        cross_stack_resources=self.exports,
        **options,
    )
    self.stacks[stack.stack_id] = stack
    add_stack_event(stack, "CREATE_IN_PROGRESS", "User Initiated")
    with OPERATION_LOCK:
        stack.create_resources()
    return stack


def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
    stack = self.stacks.get(name_or_stack_id) or next((s for s in self.stacks.values() if s.name == name_or_stack_id), None)
    if stack is None:
        return  # CloudFormation answers a delete of a stack that does not exist with success
    refuse_if_protected(stack)
    with OPERATION_LOCK:
        stack.delete()
    if stack.status == "DELETE_COMPLETE":
        self.stacks.pop(stack.stack_id, None)
        self.deleted_stacks[stack.stack_id] = stack
        for name in [name for name, export in self.exports.items() if export.exporting_stack_id == stack.stack_id]:
            del self.exports[name]


def apply(context: Context) -> None:
    replace(Stack, "_emulator_outputs", [])
    replace(Stack, "last_updated_time", None)
    replace(Stack, "_emulator_exports", [])
    replace(Stack, "create_resources", create_resources)
    replace(Stack, "update", update)
    replace(Stack, "delete", delete)
    replace(Stack, "outputs", property(snapshot_outputs))
    replace(Stack, "exports", property(lambda self: list(self._emulator_exports)))
    replace(Stack, "stack_resources", property(created_resources))
    replace(CloudFormationBackend, "create_stack", create_stack)
    replace(CloudFormationBackend, "delete_stack", delete_stack)
