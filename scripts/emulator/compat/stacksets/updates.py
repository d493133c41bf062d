"""Stack set updates reach the stacks. moto's ``moto.cloudformation.models.StackSet.update``
(update-stack-set) stores the new template and parameters but updates no instance stack (its
operation lists no results when no accounts and regions are given; with them it overwrites those
instances' overrides with the stack set's parameters), and ``StackSet.update_instances``
(update-stack-instances) records the new overrides without updating the stacks.
Models (operations run as operations.py runs them):
- update-stack-set: the stack set's template, parameters, tags, description and roles, then every
  instance's stack updated to them (only the instances of the given Accounts x Regions when both
  are given); an instance whose stack is already up to date succeeds without a stack update
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackSet.html);
- update-stack-instances: the instances' new overrides (instances.py's rules), then their stacks
  updated; an unknown instance is StackInstanceNotFoundException before anything changes
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStackInstances.html).
Not modelled: the instances left out of an update-stack-set with Accounts/Regions are not marked
OUTDATED."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import StackInstanceNotFound
from moto.cloudformation.models import StackSet

from .. import Context, Patch
from ..patching import replace
from .instances import deploy
from .managed_execution import admit_operation, change_managed_execution
from .operations import start_operation

PATCH = Patch(
    name="stackset-updates",
    gap="update-stack-set and update-stack-instances do not update the instance stacks",
    kind="models",
    corrects="moto.cloudformation.models.StackSet.update / update_instances",
)


def update(
    self: StackSet,
    template: str,
    description: str,
    parameters: dict[str, str],
    tags: dict[str, str],
    admin_role: str,
    execution_role: str,
    accounts: list[str],
    regions: list[str],
    operation_id: str,
) -> dict[str, Any]:
    change_managed_execution(self)  # refused, like the rest, before anything changes
    admit_operation(self)
    self.template = template or self.template
    self.description = description if description is not None else self.description
    self.parameters = parameters or self.parameters
    self.tags = tags or self.tags
    self.administration_role_arn = admin_role or self.administration_role_arn
    self.execution_role_name = execution_role or self.execution_role_name
    targets = list(self.instances.stack_instances)
    if accounts and regions:
        targets = [i for i in targets if i.account_id in accounts and i.region_name in regions]
    return start_operation(self, "UPDATE", targets, lambda instance: deploy(self, instance), operation_id=operation_id)


def update_instances(self: StackSet, accounts: list[str], regions: list[str], parameters: list[dict[str, Any]]) -> dict[str, Any]:
    targets = [self.instances.get_instance(account, region) for region in regions for account in accounts]
    if any(instance is None for instance in targets):
        raise StackInstanceNotFound()
    admit_operation(self)
    self.instances.update(accounts, regions, parameters)
    return start_operation(self, "UPDATE", targets, lambda instance: deploy(self, instance))


def apply(context: Context) -> None:
    replace(StackSet, "update", update)
    replace(StackSet, "update_instances", update_instances)
