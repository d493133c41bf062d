"""AWS::S3::BucketPolicy has no CloudFormation model in moto (moto.s3 has the service). Models it
with moto's own S3, as the resource's properties say
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucketpolicy.html):
the policy is put on the bucket (`aws s3api get-bucket-policy` returns it), replaced on update,
removed on delete. moto enforces only unconditional statements for Principal "*"; conditional
ones are stored, not enforced (fixes/policy_conditions.py)."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from .. import Context, Patch
from ..patching import moto_backend
from .base import BackedModel, registered

PATCH = Patch(
    name="s3-bucket-policy",
    gap="AWS::S3::BucketPolicy has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.s3.models.S3Backend has the service)",
)


class S3BucketPolicy(BackedModel, CloudFormationModel):
    def __init__(self, bucket: str):
        self.bucket = bucket

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @property
    def physical_resource_id(self) -> str:
        return self.bucket

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> S3BucketPolicy:
        properties = cloudformation_json["Properties"]
        document = properties["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        moto_backend("s3", account_id, get_partition(region_name)).put_bucket_policy(properties["Bucket"], text.encode())
        return cls(properties["Bucket"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> S3BucketPolicy:
        if cloudformation_json["Properties"]["Bucket"] != original_resource.bucket:
            original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("s3", account_id, get_partition(region_name)).delete_bucket_policy(self.bucket)


def apply(context: Context) -> None:
    registered(S3BucketPolicy)
