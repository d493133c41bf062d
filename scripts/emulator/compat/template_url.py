"""TemplateURL forms: moto reads a nested template only from https://<bucket>.s3.amazonaws.com/<key>
(virtual-hosted) or s3.amazonaws.com path-style URLs; the endpoint-style URL that
`aws cloudformation package` writes against the emulator (http://127.0.0.1:5000/<bucket>/<key>)
is read as bucket "127". Models: path-style URLs on the emulator's own host are read too, and a
missing object is a clear error naming the URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from moto.cloudformation import models, responses, utils
from moto.cloudformation.exceptions import ValidationError

from . import Context, Patch

PATCH = Patch(
    name="template-url",
    gap="the emulator's own endpoint-style S3 URL is not resolved as a TemplateURL",
    kind="models",
)


def bucket_and_key(url: str, own_hosts: frozenset[str]) -> tuple[str, str] | None:
    """(bucket, key) of a path-style URL on the emulator itself, else None."""
    parts = urlparse(url)
    if parts.netloc in own_hosts or parts.hostname in ("localhost", "127.0.0.1"):
        path = parts.path.lstrip("/")
        if "/" in path:
            bucket, key = path.split("/", 1)
            return bucket, key
    return None


def apply(context: Context) -> None:
    original = utils.get_stack_from_s3_url

    def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
        from moto.s3.models import s3_backends

        try:
            located = bucket_and_key(template_url, context.own_hosts)
            if located:
                key = s3_backends[account_id][partition].get_object(*located)
                return key.value.decode("utf-8")  # type: ignore[union-attr]
            return original(template_url, account_id=account_id, partition=partition)
        except ValidationError:
            raise
        except Exception as error:  # moto raises S3 client errors or AttributeError for a missing key
            raise ValidationError(message=f"TemplateURL {template_url}: cannot read the template from the emulator's S3 ({type(error).__name__}: {error})")

    utils.get_stack_from_s3_url = get_stack_from_s3_url
    # models.py and responses.py imported the function by name.
    models.get_stack_from_s3_url = get_stack_from_s3_url  # type: ignore[attr-defined]
    responses.get_stack_from_s3_url = get_stack_from_s3_url  # type: ignore[attr-defined]
