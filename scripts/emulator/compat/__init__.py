"""Compatibility additions to moto's CloudFormation emulation, applied by launcher.py.

Each patch is one small module with an ``apply(context)`` function and a PATCH record saying
which moto gap it fills and whether it *models* the behaviour (the emulator then does what AWS
does) or only *accepts* it (the template deploys, nothing behind it behaves like the service).
docs/emulator.md lists them; ``python -m compat`` (run from scripts/emulator) prints them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Patch:
    name: str
    gap: str
    kind: str  # "models" or "accepts"


@dataclass(frozen=True)
class Context:
    """What the patches need to know about the platform (from export-resource-info.ts)."""

    # resource type -> {"attributes": [...], "replacedBy": [...], "primaryIdentifier": [...], "stateful": bool}
    types: dict[str, dict[str, Any]]
    # host:port names under which the emulator is reached (for path-style TemplateURLs)
    own_hosts: frozenset[str]


def load_context(resource_info_path: Path, own_hosts: set[str]) -> Context:
    try:
        data = json.loads(resource_info_path.read_text())
        types = data["types"]
    except (OSError, ValueError, KeyError) as error:
        raise SystemExit(f"emulator: cannot read {resource_info_path}: {error} (emulator.sh writes it with scripts/emulator/export-resource-info.ts)")
    return Context(types=types, own_hosts=frozenset(own_hosts))


def all_patches() -> list[tuple[Patch, Callable[[Context], None]]]:
    """Every patch, in the order it must be applied."""
    from . import (
        change_sets,
        cloudwatch_alarm,
        deletions,
        elbv2_load_balancer,
        intrinsics,
        kms_key,
        lifecycle,
        logs_metric_filter,
        modelled_attributes,
        nested_change_sets,
        nested_stacks,
        placeholders,
        policy_conditions,
        rds_instance,
        resource_events,
        s3_bucket_policy,
        secrets_manager_secret,
        security_group_egress,
        sns_subscription,
        sns_topic_policy,
        stack_policy,
        stackset_managed_execution,
        stackset_operations,
        stackset_parameter_overrides,
        stackset_retain_stacks,
        stackset_stack_names,
        stackset_updates,
        template_url,
        termination_protection,
        unknown_types,
        updates,
    )

    # Order matters where patches wrap the same function: later ones wrap earlier ones.
    modules = [
        intrinsics,
        policy_conditions,
        kms_key,
        rds_instance,
        elbv2_load_balancer,
        security_group_egress,
        secrets_manager_secret,
        s3_bucket_policy,
        cloudwatch_alarm,
        sns_subscription,
        sns_topic_policy,
        logs_metric_filter,
        placeholders,
        modelled_attributes,
        unknown_types,
        template_url,
        deletions,
        nested_stacks,
        resource_events,
        updates,
        stack_policy,
        lifecycle,
        change_sets,
        nested_change_sets,
        termination_protection,
        # StackSets: the operations engine first (its hooks default to moto's behaviour), then
        # the patches that replace those hooks one gap at a time.
        stackset_operations,
        stackset_stack_names,
        stackset_parameter_overrides,
        stackset_retain_stacks,
        stackset_updates,
        stackset_managed_execution,
    ]
    return [(module.PATCH, module.apply) for module in modules]


CONTEXT: Context | None = None


def apply_all(context: Context) -> list[Patch]:
    global CONTEXT
    CONTEXT = context
    applied = []
    for patch, apply in all_patches():
        apply(context)
        applied.append(patch)
    # moto caches its type -> model map on first use; new models must be seen.
    from moto.cloudformation import parsing

    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    return applied
