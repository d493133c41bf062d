"""CloudFormation's conventions for template and parameter values, shared by the patches."""

from __future__ import annotations

from typing import Any


def truthy(value: Any) -> bool:
    """A CloudFormation boolean: true/"true" (any case), as templates and parameters give it."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def parameter_text(value: Any) -> str:
    """A parameter value as CloudFormation holds it: a string (lists comma-joined)
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(parameter_text(v) for v in value)
    return str(value)
