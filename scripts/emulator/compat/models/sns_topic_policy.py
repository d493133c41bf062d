"""AWS::SNS::TopicPolicy has no CloudFormation model in moto (moto.sns has the service). Models it
with moto's own SNS, as the resource's properties and return values say
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sns-topicpolicy.html):
the policy becomes the Policy attribute of every topic listed (`aws sns get-topic-attributes`
shows it), is put again on update, and on delete the topics get their previous policy back (SNS's
default). Ref and GetAtt Id are an ID of the policy."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import Context, Patch
from ..patching import moto_backend
from .base import BackedModel, registered

PATCH = Patch(
    name="sns-topic-policy",
    gap="AWS::SNS::TopicPolicy has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.sns.models.SNSBackend has the service)",
)


class SnsTopicPolicy(BackedModel, CloudFormationModel):
    ATTRIBUTES = {"Id": lambda self: self.policy_id}

    def __init__(self, policy_id: str, topics: list[str], defaults: dict[str, str]):
        self.policy_id = policy_id
        self.topics = topics
        self.defaults = defaults  # each topic's policy before this one, restored on delete

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::TopicPolicy"

    @property
    def physical_resource_id(self) -> str:
        return self.policy_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> SnsTopicPolicy:
        properties = cloudformation_json["Properties"]
        document = properties["PolicyDocument"]
        text = document if isinstance(document, str) else json.dumps(document)
        backend = moto_backend("sns", account_id, region_name)
        topics = list(properties["Topics"])
        defaults = {arn: backend.get_topic(arn).policy for arn in topics}
        for arn in topics:
            backend.set_topic_attribute(arn, "policy", text)  # moto sets the attribute of that (snake_case) name
        policy_id = f"{resource_name}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
        return cls(policy_id, topics, defaults)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> SnsTopicPolicy:
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        backend = moto_backend("sns", account_id, region_name)
        for arn, policy in self.defaults.items():
            if arn in backend.topics:
                backend.set_topic_attribute(arn, "policy", policy)


def apply(context: Context) -> None:
    registered(SnsTopicPolicy)
