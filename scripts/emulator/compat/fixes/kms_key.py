"""AWS::KMS::Key. moto's ``moto.kms.models.Key.create_from_cloudformation_json`` hands
CloudFormation's [{Key, Value}] tags to a tagger that expects KMS's API shape [{TagKey, TagValue}]
(the create fails with KeyError 'TagKey'), and stores the KeyPolicy as a mapping where its KMS API
expects the JSON text (every later kms call on the key, e.g. describe-key, fails with a 500).
Models: the key is created with its tags and its policy as JSON, as the resource's Tags and
KeyPolicy properties say (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kms-key.html;
`aws kms list-resource-tags` / `get-key-policy` / `describe-key` work)."""

from __future__ import annotations

import json
from typing import Any

from moto.kms.models import Key

from .. import Context, Patch
from ..patching import original, replace

PATCH = Patch(
    name="kms-key",
    gap="AWS::KMS::Key Tags in CloudFormation's {Key, Value} shape fail with KeyError 'TagKey'; its KeyPolicy is stored as a mapping, so the KMS API fails on the key",
    kind="models",
    corrects="moto.kms.models.Key.create_from_cloudformation_json",
)


def kms_tag_shape(tags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"TagKey": tag["Key"], "TagValue": tag["Value"]} if "Key" in tag else tag for tag in tags]


def create_from_cloudformation_json(cls: type[Key], resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Key:
    properties = dict(cloudformation_json.get("Properties") or {})
    if properties.get("Tags"):
        properties["Tags"] = kms_tag_shape(properties["Tags"])
    if isinstance(properties.get("KeyPolicy"), dict):
        properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
    moto = original(Key, "create_from_cloudformation_json")  # bound to Key
    return moto(resource_name, {**cloudformation_json, "Properties": properties}, account_id, region_name, **kwargs)


def apply(context: Context) -> None:
    replace(Key, "create_from_cloudformation_json", classmethod(create_from_cloudformation_json))
