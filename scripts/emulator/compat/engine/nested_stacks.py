"""AWS::CloudFormation::Stack (nested stacks), as CloudFormation does them
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html,
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stack.html).
moto's ``moto.cloudformation.models.Stack`` as a resource gets these wrong:
- ``!GetAtt Child.Outputs.Name`` reads the child's output (moto: 'Stack' object has no attribute
  'get_cfn_attribute');
- Ref and the physical ID are the child's stack ID (moto: its name);
- Parameters reach the child as strings (lists comma-joined), the child inherits the parent's
  stack tags plus its own Tags property;
- an update updates the child in place (moto deletes and re-creates it, with all its resources);
- a child that fails makes its resource fail in the parent with "Embedded stack ... was not
  successfully created/updated" (the child rolls itself back first; see lifecycle.py);
- deleting the resource deletes the child stack, and fails when the child cannot be deleted
  (engine/resource_events.py calls delete_child).
Models."""

from __future__ import annotations

from typing import Any

from moto.cloudformation import models
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException, ValidationError
from moto.cloudformation.models import Stack, cloudformation_backends
from moto.utilities.utils import get_partition

from .. import Context, Patch
from ..patching import replace
from ..values import parameter_text
from .stacks import EmbeddedStackFailed, effective_parameters

PATCH = Patch(
    name="nested-stacks",
    gap="GetAtt Child.Outputs.X fails; nested stack updates delete and re-create the child; Ref is the name",
    kind="models",
    corrects="moto.cloudformation.models.Stack as a resource (get_cfn_attribute missing, physical_resource_id, create/update_from_cloudformation_json)",
)


def child_template(properties: dict[str, Any], account_id: str, region_name: str) -> str:
    return models.get_stack_from_s3_url(properties["TemplateURL"], account_id=account_id, partition=get_partition(region_name))


def child_parameters(properties: dict[str, Any]) -> dict[str, str]:
    return {name: parameter_text(value) for name, value in (properties.get("Parameters") or {}).items()}


def get_cfn_attribute(self: Stack, attribute_name: str) -> Any:
    if attribute_name.startswith("Outputs."):
        key = attribute_name[len("Outputs.") :]
        for output in self.outputs or []:
            if output["OutputKey"] == key:
                return output["OutputValue"]
        raise ValidationError(message=f"Template error: embedded stack {self.name} has no output {key} (it declares: {', '.join(o['OutputKey'] for o in self.outputs or []) or 'none'})")
    raise UnformattedGetAttTemplateException()


def create_nested(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Stack:
    backend = cloudformation_backends[account_id][region_name]
    properties = cloudformation_json["Properties"]
    parent = backend.stacks.get(kwargs.get("StackId", ""))
    tags = {**(parent.tags if parent else {}), **{tag["Key"]: tag["Value"] for tag in properties.get("Tags") or []}}
    child = backend.create_stack(
        name=resource_name,
        template=child_template(properties, account_id, region_name),
        parameters=child_parameters(properties),
        notification_arns=properties.get("NotificationARNs"),
        tags=tags,
        timeout_in_mins=properties.get("TimeoutInMinutes"),
    )
    child.parent_id = parent.stack_id if parent else None
    child.root_id = (getattr(parent, "root_id", None) or parent.stack_id) if parent else None
    if child.status != "CREATE_COMPLETE":
        raise EmbeddedStackFailed(child.stack_id, f"Embedded stack {child.stack_id} was not successfully created: {child.status_reason}")
    return child


def update_nested(cls: Any, original_resource: Stack, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> Stack:
    properties = cloudformation_json["Properties"]
    child = original_resource
    template = child_template(properties, account_id, region_name)
    parameters = child_parameters(properties)
    new_template = Stack.parse_template(template)
    unchanged = child.has_template(template) and effective_parameters(new_template, parameters) == effective_parameters(child.template_dict, child.resource_map.input_parameters)
    if unchanged:
        return child
    child.update(template, parameters=parameters)
    if child.status != "UPDATE_COMPLETE":
        raise EmbeddedStackFailed(child.stack_id, f"Embedded stack {child.stack_id} was not successfully updated. Currently in {child.status} with reason: {child.status_reason}")
    return child


def delete_child(resource_map: Any, child: Stack) -> None:
    """Deleting the nested stack resource: the child stack is deleted through the backend; the
    resource fails when the child could not be deleted."""
    backend = cloudformation_backends[resource_map._account_id][resource_map._region_name]
    backend.delete_stack(child.stack_id)
    if child.status != "DELETE_COMPLETE":
        raise EmbeddedStackFailed(child.stack_id, f"Embedded stack {child.stack_id} was not successfully deleted: {child.status_reason}")


def apply(context: Context) -> None:
    replace(Stack, "get_cfn_attribute", get_cfn_attribute)
    replace(Stack, "physical_resource_id", property(lambda self: self.stack_id))
    replace(Stack, "status_reason", None)
    replace(Stack, "parent_id", None)
    replace(Stack, "root_id", None)
    replace(Stack, "create_from_cloudformation_json", classmethod(create_nested))
    replace(Stack, "update_from_cloudformation_json", classmethod(update_nested))
