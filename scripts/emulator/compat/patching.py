"""How a patch changes moto, in one place.

replace(owner, name, value) sets an attribute of a moto class or module and remembers, the first
time, what moto itself had there; original(owner, name) returns that. A patch that wraps moto's
function wraps original(...), never what another patch installed: applying a patch twice, or the
patches in another order, still wraps moto's own code once. setattr keeps the type checker out of
monkey-patching without a `type: ignore` per line."""

from __future__ import annotations

from typing import Any

_ORIGINALS: dict[tuple[object, str], Any] = {}


def original(owner: object, name: str) -> Any:
    """moto's own value of owner.name (a bound classmethod for a classmethod), before any patch."""
    key = (owner, name)
    if key not in _ORIGINALS:
        _ORIGINALS[key] = getattr(owner, name, None)
    return _ORIGINALS[key]


def replace(owner: object, name: str, value: object) -> None:
    original(owner, name)
    setattr(owner, name, value)
