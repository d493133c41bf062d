"""The parsed request of the StackSet API call being answered on this thread: the engine reads
what moto's backend methods are not given (OperationPreferences, OperationId, RetainStacks,
ManagedExecution, whether ParameterOverrides was given at all)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

REQUEST = threading.local()


def request_params() -> dict[str, Any]:
    return getattr(REQUEST, "params", None) or {}


def with_request(method: Callable[..., Any]) -> Callable[..., Any]:
    """A CloudFormationResponse method that records its request's parameters while it runs."""

    def answer(self: Any) -> Any:
        REQUEST.params = self._get_params()
        try:
            return method(self)
        finally:
            REQUEST.params = None

    return answer
