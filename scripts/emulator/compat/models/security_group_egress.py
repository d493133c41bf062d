"""AWS::EC2::SecurityGroupEgress: moto models SecurityGroupIngress for CloudFormation but not
Egress. Models it with moto's own EC2 backend (authorize/revoke-security-group-egress), as the
resource's properties and return values say
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroupegress.html):
`aws ec2 describe-security-group-rules` shows the rule; Ref and GetAtt Id are the rule ID (sgr-...);
every property replaces the rule."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import Context, Patch
from ..patching import moto_backend
from .base import BackedModel, registered

PATCH = Patch(
    name="security-group-egress",
    gap="AWS::EC2::SecurityGroupEgress has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.ec2.models.SecurityGroupBackend.authorize_security_group_egress has the API)",
)


def rule_arguments(properties: dict[str, Any]) -> dict[str, Any]:
    """The authorize/revoke arguments for one egress rule of CloudFormation properties."""
    destination_group = properties.get("DestinationSecurityGroupId")
    prefix_list = properties.get("DestinationPrefixListId")
    cidr = properties.get("CidrIp")
    ranges = [{"CidrIp": cidr, **({"Description": properties["Description"]} if properties.get("Description") else {})}] if cidr else []
    return {
        "group_name_or_id": properties["GroupId"],
        "ip_protocol": str(properties["IpProtocol"]),
        "from_port": properties.get("FromPort"),
        "to_port": properties.get("ToPort"),
        "ip_ranges": ranges,
        "source_groups": [{"GroupId": destination_group}] if destination_group else [],
        "prefix_list_ids": [{"PrefixListId": prefix_list}] if prefix_list else [],
    }


class SecurityGroupEgress(BackedModel, CloudFormationModel):
    ATTRIBUTES = {"Id": lambda self: self.rule_id}

    def __init__(self, properties: dict[str, Any], rule_id: str):
        self.properties = properties
        self.rule_id = rule_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SecurityGroupEgress"

    @property
    def physical_resource_id(self) -> str:
        return self.rule_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> SecurityGroupEgress:
        properties = cloudformation_json["Properties"]
        rules, _ = moto_backend("ec2", account_id, region_name).authorize_security_group_egress(**rule_arguments(properties))
        return cls(properties, rules[0].id)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> SecurityGroupEgress:
        # Every property of an egress rule causes replacement: add the new rule, then drop the old one.
        new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        original_resource.delete(account_id, region_name)
        return new

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("ec2", account_id, region_name).revoke_security_group_egress(**rule_arguments(self.properties))


def apply(context: Context) -> None:
    registered(SecurityGroupEgress)
