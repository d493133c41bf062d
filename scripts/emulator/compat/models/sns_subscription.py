"""AWS::SNS::Subscription has no CloudFormation model in moto (moto.sns has the service). Models
it with moto's own SNS, as the resource's properties and return values say
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-subscription.html):
the subscription is made (`aws sns list-subscriptions-by-topic` shows it; an e-mail endpoint stays
pending confirmation, nothing is sent), Ref and GetAtt Arn are its ARN, an update re-subscribes
(every property but the policies replaces a subscription), delete unsubscribes."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import Context, Patch
from ..patching import moto_backend
from .base import BackedModel, registered

PATCH = Patch(
    name="sns-subscription",
    gap="AWS::SNS::Subscription has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.sns.models.SNSBackend has the service)",
)


class SnsSubscription(BackedModel, CloudFormationModel):
    ATTRIBUTES = {"Arn": lambda self: self.arn}

    def __init__(self, arn: str):
        self.arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::Subscription"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> SnsSubscription:
        properties = cloudformation_json["Properties"]
        subscription = moto_backend("sns", account_id, region_name).subscribe(properties["TopicArn"], properties.get("Endpoint"), properties["Protocol"])
        return cls(subscription.arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> SnsSubscription:
        replacement = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        if replacement.arn != original_resource.arn:
            original_resource.delete(account_id, region_name)
        return replacement

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("sns", account_id, region_name).unsubscribe(self.arn)


def apply(context: Context) -> None:
    registered(SnsSubscription)
