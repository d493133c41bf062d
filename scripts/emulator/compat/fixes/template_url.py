"""TemplateURL forms. moto's ``moto.cloudformation.utils.get_stack_from_s3_url`` reads a nested
template from a virtual-hosted (https://<bucket>.s3.amazonaws.com/<key>) or s3.amazonaws.com
path-style URL, or a path-style URL on "localhost"; the endpoint-style URL that
`aws cloudformation package` writes against the emulator (http://127.0.0.1:5000/<bucket>/<key>)
is read as bucket "127". Models: a path-style URL on the emulator's own host is read as its
bucket and key, as S3 resolves path-style requests
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html#path-style-access), and
a template that cannot be read is a ValidationError naming the URL, as CloudFormation answers for
an unreadable TemplateURL
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudformation-stack.html#cfn-cloudformation-stack-templateurl)."""

from __future__ import annotations

from urllib.parse import urlparse

from moto.cloudformation import models, responses, utils
from moto.cloudformation.exceptions import ValidationError

from .. import Context, Patch, current_context
from ..patching import moto_backend, original, replace

PATCH = Patch(
    name="template-url",
    gap="the emulator's own endpoint-style S3 URL is not resolved as a TemplateURL",
    kind="models",
    corrects="moto.cloudformation.utils.get_stack_from_s3_url",
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


def get_stack_from_s3_url(template_url: str, account_id: str, partition: str) -> str:
    try:
        located = bucket_and_key(template_url, current_context().own_hosts)
        if located:
            key = moto_backend("s3", account_id, partition).get_object(*located)
            if key is None:
                raise LookupError(f"no object {located[1]} in bucket {located[0]}")
            return bytes(key.value).decode("utf-8")
        return str(original(utils, "get_stack_from_s3_url")(template_url, account_id=account_id, partition=partition))
    except ValidationError:
        raise
    except Exception as error:  # moto raises S3 client errors or AttributeError for a missing key
        raise ValidationError(message=f"TemplateURL {template_url}: cannot read the template from the emulator's S3 ({type(error).__name__}: {error})") from error


def apply(context: Context) -> None:
    # models.py and responses.py imported the function by name.
    for module in (utils, models, responses):
        replace(module, "get_stack_from_s3_url", get_stack_from_s3_url)
