"""Parameter overrides are laid over the stack set's parameters, as in AWS. moto gives an instance
with overrides only those overrides (every other parameter falls back to its template default,
and one without a default fails: "Missing parameter"), reports the stack set's parameters as the
"overrides" of an instance created without any, and clears an instance's overrides when
update-stack-instances is called without ParameterOverrides.
Models:
- the instance stack's parameters: the stack set's, then the instance's overrides over them;
- ParameterOverrides of an instance: exactly its overrides ([] when it has none);
- update-stack-instances: ParameterOverrides omitted keeps every override; a list (even an
  empty one) replaces them, except parameters given with UsePreviousValue, which keep theirs."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import StackInstanceNotFound
from moto.cloudformation.models import StackInstance, StackInstances, StackSet

from . import Context, Patch
from .stackset_operations import request_params

PATCH = Patch(
    name="stackset-parameter-overrides",
    gap="an instance's overrides replace the stack set's parameters instead of being laid over them",
    kind="models",
)


def as_list(parameters: Any) -> list[dict[str, Any]]:
    if isinstance(parameters, dict):
        return [{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()]
    return list(parameters or [])


def new_overrides(self: StackSet, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return as_list(given)


def stack_parameters(self: StackInstance, stack_set: StackSet) -> dict[str, Any]:
    overrides = {p["ParameterKey"]: p["ParameterValue"] for p in as_list(self.parameters) if "ParameterValue" in p}
    return {**(stack_set.parameters or {}), **overrides}


def replaced_overrides(previous: list[dict[str, Any]], given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = {p["ParameterKey"]: p for p in previous}
    result = []
    for parameter in given:
        if parameter.get("UsePreviousValue"):
            if parameter["ParameterKey"] in kept:
                result.append(kept[parameter["ParameterKey"]])
        else:
            result.append({"ParameterKey": parameter["ParameterKey"], "ParameterValue": parameter.get("ParameterValue")})
    return result


def update(self: StackInstances, accounts: list[str], regions: list[str], parameters: list[dict[str, Any]] | None) -> None:
    """moto's StackInstances.update (used by update-stack-instances), with AWS's override rules."""
    given = "ParameterOverrides" in request_params()
    for account in accounts:
        for region in regions:
            instance = self.get_instance(account, region)
            if instance is None:
                raise StackInstanceNotFound()
            if given:
                instance.parameters = replaced_overrides(as_list(instance.parameters), as_list(parameters))


def apply(context: Context) -> None:
    StackSet.emulator_new_overrides = new_overrides  # type: ignore[attr-defined]
    StackInstance.emulator_stack_parameters = stack_parameters  # type: ignore[attr-defined]
    StackInstances.update = update  # type: ignore[method-assign]
