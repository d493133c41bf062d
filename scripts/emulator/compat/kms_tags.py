"""AWS::KMS::Key with Tags: moto's model hands CloudFormation's [{Key, Value}] tags to a tagger that
expects KMS's API shape [{TagKey, TagValue}] and fails with KeyError 'TagKey'. Models: the key is
created with its tags (aws kms list-resource-tags shows them)."""

from __future__ import annotations

from typing import Any

from moto.kms.models import Key

from . import Context, Patch

PATCH = Patch(name="kms-tags", gap="AWS::KMS::Key Tags in CloudFormation's {Key, Value} shape fail with KeyError 'TagKey'", kind="models")


def kms_tag_shape(tags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"TagKey": tag["Key"], "TagValue": tag["Value"]} if "Key" in tag else tag for tag in tags]


def apply(context: Context) -> None:
    original = Key.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = cloudformation_json.get("Properties", {})
        if properties.get("Tags"):
            cloudformation_json = {**cloudformation_json, "Properties": {**properties, "Tags": kms_tag_shape(properties["Tags"])}}
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    Key.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign]
