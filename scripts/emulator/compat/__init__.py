"""Compatibility additions to moto's CloudFormation emulation, applied by launcher.py.

Four kinds, one sub-package each, so each module's job is obvious from where it lives:

- ``fixes/``     moto has the model or function, and it is wrong: each module names the moto code
                 it corrects and the AWS page of the behaviour it restores;
- ``models/``    CloudFormation models of resource types moto has no model for, built on moto's own
                 service backends (the service's API then shows the resource);
- ``engine/``    how CloudFormation runs a stack operation: events, updates, rollback, nested
                 stacks, change sets, stack policies, termination protection;
- ``stacksets/`` the StackSet operations engine;
- ``accepted/``  what is only *accepted*, not modelled: placeholders for the types nothing models,
                 synthetic GetAtt values for attributes moto's models do not answer.

Each module has an ``apply(context)`` and a PATCH record: which moto gap it fills, whether it
*models* the behaviour (the emulator then does what AWS does) or only *accepts* it, and the moto
code it corrects. Its docstring cites the AWS documentation of each behaviour (documentation()
reads the URLs from there; a module without one is refused). docs/emulator.md lists them.
INSTALLATION below is the one place that says in which order they are applied, and why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

AWS_DOCS = "https://docs.aws.amazon.com/"
MOTO = "https://github.com/getmoto/"  # moto issues a module cites are about the moto code, not the behaviour
URL = re.compile(r"https://[^\s)\]]+")


@dataclass(frozen=True)
class Patch:
    name: str
    gap: str
    kind: str  # "models" or "accepts"
    corrects: str  # the moto code it corrects or completes (module.Class.method), or what moto lacks

    def __post_init__(self) -> None:
        if self.kind not in ("models", "accepts"):
            raise ValueError(f"patch {self.name}: kind {self.kind!r} is not models or accepts")


def documentation(module: ModuleType) -> list[str]:
    """The pages a patch module's docstring cites, in order; it must cite the AWS documentation."""
    urls = list(dict.fromkeys(url.rstrip(".,;:") for url in URL.findall(module.__doc__ or "") if "<" not in url and MOTO not in url))
    if not any(url.startswith(AWS_DOCS) for url in urls):
        raise ValueError(f"{module.__name__}: its docstring cites no AWS documentation page ({AWS_DOCS}...) for the behaviour it follows")
    return urls


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
        raise SystemExit(f"emulator: cannot read {resource_info_path}: {error} (emulator.sh writes it with scripts/emulator/export-resource-info.ts)") from error
    return Context(types=types, own_hosts=frozenset(own_hosts))


CONTEXT: Context | None = None


def current_context() -> Context:
    if CONTEXT is None:
        raise RuntimeError("emulator: the compatibility patches are not applied (compat.apply_all)")
    return CONTEXT


def installation() -> list[ModuleType]:
    """Every patch module, in the order it is applied."""
    from .accepted import modelled_attributes, placeholders
    from .engine import (
        change_sets,
        lifecycle,
        nested_change_sets,
        nested_stacks,
        resource_events,
        stack_policy,
        termination_protection,
        updates,
    )
    from .fixes import deletions, elbv2_load_balancer, intrinsics, kms_key, policy_conditions, rds_instance, template_url
    from .models import (
        cloudwatch_alarm,
        logs_metric_filter,
        s3_bucket_policy,
        secrets_manager_secret,
        security_group_egress,
        sns_subscription,
        sns_topic_policy,
    )
    from .stacksets import instances, managed_execution, operations
    from .stacksets import updates as stackset_updates

    # Within fixes/, models/, engine/ and stacksets/ the order does not matter: every patch
    # replaces moto's own function (patching.original), and where one behaviour needs another
    # it calls that module's function by name instead of wrapping what another patch installed.
    return [
        *(intrinsics, template_url, policy_conditions, kms_key, rds_instance, elbv2_load_balancer, deletions),
        # Importing a model registers it: moto lists CloudFormationModel.__subclasses__().
        *(security_group_egress, secrets_manager_secret, s3_bucket_policy, cloudwatch_alarm, sns_subscription, sns_topic_policy, logs_metric_filter),
        *(nested_stacks, resource_events, updates, stack_policy, lifecycle, change_sets, nested_change_sets, termination_protection),
        *(operations, instances, stackset_updates, managed_execution),
        # Order matters here, and only here: accepted/ looks at what the patches above left.
        # placeholders models every listed type that no model claims, so it comes after every
        # model is defined; modelled_attributes wraps the GetAtt of each model as the fixes left
        # it (rds_instance and elbv2_load_balancer answer some attributes themselves), so it
        # comes after fixes/, and it leaves the placeholders alone (they answer for themselves).
        placeholders,
        modelled_attributes,
    ]


def all_patches() -> list[Patch]:
    return [module.PATCH for module in installation()]


APPLIED: list[Patch] = []


def apply_all(context: Context) -> list[Patch]:
    """Applies every patch once per process (a second call returns what the first applied)."""
    global CONTEXT
    if APPLIED:
        return list(APPLIED)
    CONTEXT = context
    for module in installation():
        documentation(module)
        module.apply(context)
        APPLIED.append(module.PATCH)
    # moto caches its type -> model map on first use; new models must be seen.
    from moto.cloudformation import parsing

    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    return list(APPLIED)
