"""AWS::EC2::SecurityGroupEgress: moto models SecurityGroupIngress for CloudFormation but not
Egress. Models it with moto's own EC2 backend (authorize/revoke-security-group-egress), so
aws ec2 describe-security-group-rules shows the rule; Ref is the rule ID (sgr-...), as in AWS."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from . import Context, Patch

PATCH = Patch(name="security-group-egress", gap="AWS::EC2::SecurityGroupEgress has no CloudFormation model", kind="models")


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


class SecurityGroupEgress(CloudFormationModel):
    def __init__(self, account_id: str, region_name: str, properties: dict[str, Any], rule_id: str):
        self.account_id = account_id
        self.region_name = region_name
        self.properties = properties
        self.rule_id = rule_id

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SecurityGroupEgress"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name == "Id":
            return self.rule_id
        raise UnformattedGetAttTemplateException()

    @property
    def physical_resource_id(self) -> str:
        return self.rule_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "SecurityGroupEgress":  # type: ignore[override]
        from moto.ec2.models import ec2_backends

        properties = cloudformation_json["Properties"]
        rules, _ = ec2_backends[account_id][region_name].authorize_security_group_egress(**rule_arguments(properties))
        return cls(account_id, region_name, properties, rules[0].id)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "SecurityGroupEgress":  # type: ignore[override]
        # Every property of an egress rule causes replacement: add the new rule, then drop the old one.
        new = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
        original_resource.delete(account_id, region_name)
        return new

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:  # type: ignore[override]
        pass  # deletion goes through delete() on the instance

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.ec2.models import ec2_backends

        ec2_backends[account_id][region_name].revoke_security_group_egress(**rule_arguments(self.properties))

    def is_created(self) -> bool:
        return True


def apply(context: Context) -> None:
    # Defining the subclass is what registers it: moto lists CloudFormationModel.__subclasses__().
    assert SecurityGroupEgress.cloudformation_type() == "AWS::EC2::SecurityGroupEgress"
