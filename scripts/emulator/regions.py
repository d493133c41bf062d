"""The launcher's own endpoint, for tests and benchmarks: POST /emulator/forget-region/<region>
empties one region of the emulator (every service's state there, and the S3 buckets created in
it), so a test file can start from nothing in its own region while other files keep theirs.
moto's /moto-api/reset empties every region at once. Global services (IAM, the S3 namespace of
other regions) are left alone."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.base_backend import BackendDict

PATH = re.compile(r"^/emulator/forget-region/([a-z]{2}(?:-[a-z]+)+-\d)$")


def backend_dicts() -> Iterable[BackendDict]:
    """Every service backend registry moto has loaded so far (services never used hold nothing)."""
    seen: set[int] = set()
    for module in list(sys.modules.values()):
        if module is None or not getattr(module, "__name__", "").startswith("moto."):
            continue
        for value in list(vars(module).values()):
            if isinstance(value, BackendDict) and id(value) not in seen:
                seen.add(id(value))
                yield value


def forget_region(region: str) -> dict[str, Any]:
    from moto.s3.models import s3_backends

    from compat.engine.stacks import OPERATION_LOCK

    services: set[str] = set()
    buckets: list[str] = []
    with OPERATION_LOCK:
        for registry in backend_dicts():
            for per_account in list(registry.values()):
                if region in dict.keys(per_account):
                    dict.__delitem__(per_account, region)
                    services.add(getattr(registry, "service_name", "?"))
        for per_account in list(s3_backends.values()):
            for backend in list(dict.values(per_account)):
                for name, bucket in list(backend.buckets.items()):
                    if getattr(bucket, "region_name", None) == region:
                        del backend.buckets[name]
                        s3_backends.bucket_accounts.pop(name, None)  # the global bucket-name registry
                        buckets.append(name)
    return {"region": region, "services": sorted(services), "buckets": sorted(buckets)}


def with_region_reset(app: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        match = PATH.match(environ.get("PATH_INFO", ""))
        if environ.get("REQUEST_METHOD") == "POST" and match:
            body = json.dumps(forget_region(match.group(1))).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return wrapped
