"""How a patch changes moto, in one place.

replace(owner, name, value) sets an attribute of a moto class or module and remembers, the first
time, what moto itself had there; original(owner, name) returns that. A patch that wraps moto's
function wraps original(...), never what another patch installed: applying a patch twice, or the
patches in another order, still wraps moto's own code once. setattr keeps the type checker out of
monkey-patching without a `type: ignore` per line. moto_backend(service, ...) gives a patch the
state of a moto service by the service's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

_ORIGINALS: dict[tuple[object, str], Any] = {}


def original(owner: object, name: str) -> Any:
    """moto's own value of owner.name (a bound classmethod for a classmethod), before any patch."""
    key = (owner, name)
    if key not in _ORIGINALS:
        _ORIGINALS[key] = getattr(owner, name, None)
    return _ORIGINALS[key]


def moto_backend(service: str, account_id: str, region_name: str) -> Any:
    """moto's backend of a service (moto.backends.get_backend) for an account and region (S3: partition)."""
    from moto.backends import get_backend

    by_name = cast(Callable[[str], Any], get_backend)  # typed per Literal service name; any name here
    return by_name(service)[account_id][region_name]


def replace(owner: object, name: str, value: object) -> None:
    original(owner, name)
    setattr(owner, name, value)
