"""Stack policies. moto stores a stack policy (``moto.cloudformation.models.Stack.policy``, from
set-stack-policy / get-stack-policy) and never applies it. Models CloudFormation's rule during
stack updates (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/protect-stack-resources.html): once a stack has a policy, an
update action on a resource (Update:Modify, Update:Replace, Update:Delete) needs an Allow
statement that matches it and no Deny that matches it (Action / NotAction with wildcards,
Resource / NotResource "LogicalResourceId/<id>" with wildcards, Condition StringEquals /
StringLike on ResourceType); otherwise the resource fails with CloudFormation's
"Action denied by stack policy" and the update rolls back. Stack deletion and rollbacks are not
governed by stack policies (termination protection guards deletion). Not modelled:
StackPolicyDuringUpdateBody. updates.py calls enforce() for each resource it updates or replaces,
and refuse_denied_removals() before an update changes anything."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from .. import Context, Patch
from .stacks import ROLLBACKS, StackOperationFailed, add_event, physical_id_of, stack_of

PATCH = Patch(
    name="stack-policy",
    gap="stack policies are stored but never enforced",
    kind="models",
    corrects="moto.cloudformation.parsing.ResourceMap.update (never reads Stack.policy)",
)


def _list(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])] if value is not None else []


def _matches(patterns: list[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def statement_matches(statement: dict[str, Any], action: str, logical_id: str, resource_type: str) -> bool:
    if "Action" in statement and not _matches(_list(statement["Action"]), action):
        return False
    if "NotAction" in statement and _matches(_list(statement["NotAction"]), action):
        return False
    resource = f"LogicalResourceId/{logical_id}"
    if "Resource" in statement and not _matches(_list(statement["Resource"]), resource):
        return False
    if "NotResource" in statement and _matches(_list(statement["NotResource"]), resource):
        return False
    for operator, tests in (statement.get("Condition") or {}).items():
        for key, expected in tests.items():
            if key != "ResourceType":
                return False
            if operator == "StringEquals" and resource_type not in _list(expected):
                return False
            if operator == "StringLike" and not _matches(_list(expected), resource_type):
                return False
            if operator not in ("StringEquals", "StringLike"):
                return False
    return True


def denial(policy_text: str | None, action: str, logical_id: str, resource_type: str) -> str | None:
    """CloudFormation's reason when the stack policy forbids the action, else None."""
    if not policy_text:
        return None
    statements = json.loads(policy_text).get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    allowed = False
    for index, statement in enumerate(statements):
        if not statement_matches(statement, action, logical_id, resource_type):
            continue
        if statement.get("Effect") == "Deny":
            return f"Action denied by stack policy: Statement [#{index}] does not allow [{action}] for resource [LogicalResourceId/{logical_id}]"
        allowed = True
    if not allowed:
        return f"Action denied by stack policy: no statement allows [{action}] for resource [LogicalResourceId/{logical_id}]"
    return None


class StackPolicyDenied(Exception):
    plain = True  # error_text() shows the message as CloudFormation words it, without a code


def enforce(resources_map: Any, action: str, logical_id: str, resource_type: str) -> None:
    stack = stack_of(resources_map)
    if ROLLBACKS[0] > 0:
        return  # a rollback restores the previous state; the policy governs updates
    reason = denial(getattr(stack, "policy", None), action, logical_id, resource_type)
    if reason:
        raise StackPolicyDenied(reason)


def refuse_denied_removals(resources_map: Any, template: dict[str, Any]) -> None:
    """Removals are checked before anything changes: a denied one fails the update at once."""
    new = template.get("Resources") or {}
    for logical_id, spec in resources_map._resource_json_map.items():
        resource = resources_map._parsed_resources.get(logical_id)
        if logical_id not in new and resource is not None:
            try:
                enforce(resources_map, "Update:Delete", logical_id, spec["Type"])
            except StackPolicyDenied as denied:
                add_event(stack_of(resources_map), logical_id, physical_id_of(resource), spec["Type"], "UPDATE_FAILED", str(denied))
                raise StackOperationFailed(logical_id, str(denied)) from None


def apply(context: Context) -> None:
    pass  # nothing to install: updates.py calls enforce() and refuse_denied_removals()
