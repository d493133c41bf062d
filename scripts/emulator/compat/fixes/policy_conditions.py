"""Resource-policy statements with a Condition. moto's
``moto.iam.access_control.IAMPolicyStatement.is_action_permitted`` (used for S3 bucket policies and
KMS key policies) treats a condition it cannot evaluate (any operator but StringEquals, or a key
the request does not carry) as holding, and answers DENIED for a statement whose condition fails
whatever its Effect. S3 passes no request context at all, so the standard PCI "Deny unless
aws:SecureTransport" statement denies every request and no bucket with a TLS-only policy can be
written. Models IAM's rule: a condition on a key absent from the request context is false (except
...IfExists and Null: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
and a statement whose condition is false does not apply (neutral: an explicit deny needs a
matching Deny statement, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
moto knows no request keys for S3 (aws:SecureTransport: the emulator serves plain HTTP;
aws:PrincipalOrgID), so such statements are stored, not enforced."""

from __future__ import annotations

import fnmatch
from typing import Any

from moto.iam.access_control import IAMPolicyStatement, PermissionResult

from .. import Context, Patch
from ..patching import original, replace

PATCH = Patch(
    name="policy-conditions",
    gap="a policy condition moto cannot evaluate counts as true and a false one as an explicit deny (TLS-only bucket policies deny everything)",
    kind="models",
    corrects="moto.iam.access_control.IAMPolicyStatement.is_action_permitted",
)


def _values(value: Any) -> list[str]:
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in (value if isinstance(value, list) else [value])]


def condition_holds(condition: dict[str, dict[str, Any]], context: dict[str, Any]) -> bool:
    for operator, tests in condition.items():
        base = operator.removesuffix("IfExists")
        for key, expected in tests.items():
            actual = context.get(key)
            if operator == "Null":
                if (actual is None) != (_values(expected)[0].lower() == "true"):
                    return False
                continue
            if actual is None:
                if operator.endswith("IfExists"):
                    continue
                return False
            given = _values(actual)
            if base in ("StringEquals", "Bool", "ArnEquals"):
                ok = any(g in _values(expected) for g in given)
            elif base in ("StringLike", "ArnLike"):
                ok = any(fnmatch.fnmatchcase(g, e) for g in given for e in _values(expected))
            elif base in ("StringNotEquals", "ArnNotEquals"):
                ok = all(g not in _values(expected) for g in given)
            else:
                return False  # an operator this emulator does not evaluate: the condition is not known to hold
            if not ok:
                return False
    return True


def is_action_permitted(self: IAMPolicyStatement, action: str, resource: str = "*", principal: str | None = None, incoming_condition_values: dict[str, str] | None = None) -> PermissionResult:
    moto = original(IAMPolicyStatement, "is_action_permitted")
    condition = self._statement.get("Condition")
    if condition:
        if not condition_holds(condition, incoming_condition_values or {}):
            return PermissionResult.NEUTRAL
        unconditional = {key: value for key, value in self._statement.items() if key != "Condition"}
        return moto(IAMPolicyStatement(unconditional), action, resource, principal, incoming_condition_values)
    return moto(self, action, resource, principal, incoming_condition_values)


def apply(context: Context) -> None:
    replace(IAMPolicyStatement, "is_action_permitted", is_action_permitted)
