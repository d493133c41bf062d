"""AWS::SNS::Subscription has no CloudFormation model in moto. Models it with moto's own SNS:
the subscription is made (`aws sns list-subscriptions-by-topic` shows it; an e-mail endpoint
stays pending confirmation, nothing is sent), Ref and GetAtt Arn are its ARN, an update
re-subscribes (every property but the policies replaces a subscription), delete unsubscribes."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel

from . import Context, Patch

PATCH = Patch(name="sns-subscription", gap="AWS::SNS::Subscription has no CloudFormation model", kind="models")


def _backend(account_id: str, region_name: str) -> Any:
    from moto.sns.models import sns_backends

    return sns_backends[account_id][region_name]


class SnsSubscription(CloudFormationModel):
    def __init__(self, arn: str):
        self.arn = arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::Subscription"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Arn":
            return self.arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "SnsSubscription":  # type: ignore[override]
        properties = cloudformation_json["Properties"]
        subscription = _backend(account_id, region_name).subscribe(properties["TopicArn"], properties.get("Endpoint"), properties["Protocol"])
        return cls(subscription.arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "SnsSubscription":  # type: ignore[override]
        replacement = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        if replacement.arn != original_resource.arn:
            original_resource.delete(account_id, region_name)
        return replacement

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:  # type: ignore[override]
        pass  # deletion goes through delete() on the instance

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).unsubscribe(self.arn)

    def is_created(self) -> bool:
        return True


def apply(context: Context) -> None:
    assert SnsSubscription.cloudformation_type() == "AWS::SNS::Subscription"  # defining the class registers it
