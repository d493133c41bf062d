"""Placeholder ("accepted only") models for every resource type of templates-src/resource-types.json
that moto does not model for CloudFormation. Without them moto skips the resource (Ref becomes
null) or fails the whole stack on a GetAtt. A placeholder accepts any properties, has a synthetic
physical ID shaped like the real one (what Ref returns: a name, an ID, an ARN), answers GetAtt for
exactly the attributes of the AWS resource specification (the type's "Return values" in
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html),
keeps its ID across updates unless a property that replaces the resource in AWS changed ("Update
requires: Replacement", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html),
and disappears on delete. Nothing behind it behaves like the service: no API of that service
knows it. Host names end in .emulator.invalid."""

from __future__ import annotations

import hashlib
import json
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException, ValidationError
from moto.cloudformation.parsing import get_model_map
from moto.core.common_models import CloudFormationModel
from moto.utilities.utils import get_partition

from .. import Context, Patch

PATCH = Patch(
    name="placeholders",
    gap="about half the platform's types have no CloudFormation model in moto (skipped, or the create fails on GetAtt)",
    kind="accepts",
    corrects="moto.cloudformation.parsing.resource_class_from_type finds no model (the resource is skipped, Ref null) for these types",
)


@dataclass(frozen=True)
class Shape:
    """How the real resource's identifiers look."""

    ref: str = "id"  # Ref returns: "id", "name" or "arn", or a callable
    name_property: str | None = None  # the property that sets the name, if the type has one
    default_name: str | None = None  # AWS's own default name (e.g. "default" for Config)
    lowercase_name: bool = False
    id_format: str = "{token}"  # {token} = 10 lower-case hex, {uuid} = a UUID, {name}
    arn: str | None = None  # format: {partition} {region} {account} {name} {id} {props[...]}
    ref_format: str | None = None  # format for composite Refs
    attributes: dict[str, Callable[[Placeholder], Any]] = field(default_factory=dict)


def _apigw(path: str) -> str:
    return "arn:{partition}:apigateway:{region}::" + path


def _endpoint_attributes(prefix: str) -> dict[str, Callable[[Placeholder], Any]]:
    return {
        f"{prefix}.Address": lambda p: p.host(prefix.lower()),
        f"{prefix}.Port": lambda p: str(p.props.get("Port", 6379)),
        prefix: lambda p: {"Address": p.host(prefix.lower()), "Port": str(p.props.get("Port", 6379))},
    }


SHAPES: dict[str, Shape] = {
    "AWS::ApiGateway::Account": Shape(),
    "AWS::ApiGateway::ApiKey": Shape(name_property="Name", arn=_apigw("/apikeys/{id}")),
    "AWS::ApiGateway::Stage": Shape(ref="name", name_property="StageName", arn=_apigw("/restapis/{props[RestApiId]}/stages/{name}")),
    "AWS::ApiGateway::UsagePlan": Shape(arn=_apigw("/usageplans/{id}")),
    "AWS::ApiGateway::UsagePlanKey": Shape(),
    "AWS::ApiGateway::VpcLink": Shape(name_property="Name", arn=_apigw("/vpclinks/{id}")),
    "AWS::ApplicationAutoScaling::ScalableTarget": Shape(
        ref_format="{props[ResourceId]}|{props[ScalableDimension]}|{props[ServiceNamespace]}",
        attributes={"Id": lambda p: p.ref},
    ),
    "AWS::ApplicationAutoScaling::ScalingPolicy": Shape(
        ref="arn",
        name_property="PolicyName",
        id_format="{uuid}",
        arn="arn:{partition}:autoscaling:{region}:{account}:scalingPolicy:{id}:resource/{name}",
    ),
    "AWS::Backup::BackupPlan": Shape(id_format="{uuid}", arn="arn:{partition}:backup:{region}:{account}:backup-plan:{id}"),
    "AWS::Backup::BackupSelection": Shape(id_format="{uuid}", attributes={"BackupPlanId": lambda p: p.props.get("BackupPlanId") or p.id}),
    "AWS::Backup::BackupVault": Shape(ref="name", name_property="BackupVaultName", arn="arn:{partition}:backup:{region}:{account}:backup-vault:{name}"),
    "AWS::CloudTrail::Trail": Shape(
        ref="name",
        name_property="TrailName",
        arn="arn:{partition}:cloudtrail:{region}:{account}:trail/{name}",
        attributes={"SnsTopicArn": lambda p: p.format("arn:{partition}:sns:{region}:{account}:{props[SnsTopicName]}") if p.props.get("SnsTopicName") else ""},
    ),
    "AWS::Config::ConfigRule": Shape(
        ref="name",
        name_property="ConfigRuleName",
        id_format="config-rule-{token}",
        arn="arn:{partition}:config:{region}:{account}:config-rule/{id}",
        # A new rule has not been evaluated yet.
        attributes={"Compliance.Type": lambda p: "INSUFFICIENT_DATA"},
    ),
    "AWS::Config::ConfigurationRecorder": Shape(
        ref="name",
        name_property="Name",
        default_name="default",
        arn="arn:{partition}:config:{region}:{account}:configuration-recorder/{name}/{token}",
        attributes={"Id": lambda p: p.name, "ResourceARN": lambda p: p.arn},
    ),
    "AWS::Config::DeliveryChannel": Shape(ref="name", name_property="Name", default_name="default"),
    "AWS::EC2::NetworkAcl": Shape(id_format="acl-{token17}"),
    "AWS::EC2::NetworkAclEntry": Shape(),
    "AWS::EC2::SubnetNetworkAclAssociation": Shape(id_format="aclassoc-{token17}", attributes={"AssociationId": lambda p: p.id}),
    "AWS::ECS::ClusterCapacityProviderAssociations": Shape(ref_format="{props[Cluster]}"),
    "AWS::ElastiCache::ParameterGroup": Shape(ref="name", lowercase_name=True, attributes={"CacheParameterGroupName": lambda p: p.name}),
    "AWS::ElastiCache::ReplicationGroup": Shape(
        ref="name",
        name_property="ReplicationGroupId",
        lowercase_name=True,
        attributes={
            **_endpoint_attributes("PrimaryEndPoint"),
            **_endpoint_attributes("ReaderEndPoint"),
            **_endpoint_attributes("ConfigurationEndPoint"),
            "ReadEndPoint.Addresses": lambda p: p.host("replica"),
            "ReadEndPoint.AddressesList": lambda p: [p.host("replica")],
            "ReadEndPoint.Ports": lambda p: str(p.props.get("Port", 6379)),
            "ReadEndPoint.PortsList": lambda p: [str(p.props.get("Port", 6379))],
        },
    ),
    "AWS::ElastiCache::SubnetGroup": Shape(ref="name", name_property="CacheSubnetGroupName", lowercase_name=True),
    "AWS::SecretsManager::ResourcePolicy": Shape(ref_format="{props[SecretId]}", attributes={"Id": lambda p: p.ref}),
    "AWS::SecretsManager::RotationSchedule": Shape(ref_format="{props[SecretId]}", attributes={"Id": lambda p: p.ref}),
    "AWS::SecretsManager::SecretTargetAttachment": Shape(ref_format="{props[SecretId]}", attributes={"Id": lambda p: p.ref}),
    "AWS::WAFv2::LoggingConfiguration": Shape(ref_format="{props[ResourceArn]}", attributes={"ManagedByFirewallManager": lambda p: False}),
    "AWS::WAFv2::WebACL": Shape(
        name_property="Name",
        id_format="{uuid}",
        ref_format="{name}|{id}|{props[Scope]}",
        arn="arn:{partition}:wafv2:{region}:{account}:regional/webacl/{name}/{id}",
        attributes={"Capacity": lambda p: 0, "LabelNamespace": lambda p: p.format("awswaf:{account}:webacl:{name}:")},
    ),
    "AWS::WAFv2::WebACLAssociation": Shape(ref_format="{props[ResourceArn]}|{props[WebACLArn]}"),
}


def token(*parts: Any) -> str:
    """A deterministic hex token: the same stack, logical ID and identity give the same IDs."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _service(resource_type: str) -> str:
    return resource_type.split("::")[1].lower()


class Placeholder:
    """One accepted-only resource. define_placeholder() makes one class per type that derives from
    this and, directly, from CloudFormationModel: moto finds models by __subclasses__()."""

    resource_type = ""
    info: dict[str, Any] = {}
    shape = Shape()

    def __init__(self, logical_id: str, stack_id: str, stack_name: str, props: dict[str, Any], account_id: str, region_name: str):
        self.logical_id = logical_id
        self.stack_id = stack_id
        self.stack_name = stack_name
        self.props = props
        self.account_id = account_id
        self.region_name = region_name
        identity = {name: props.get(name) for name in self.info.get("replacedBy", [])}
        self.token = token(self.resource_type, stack_id, logical_id, identity)
        self.name = self._name()
        self.id = self._format(self.shape.id_format)
        self.arn = self.format(self.shape.arn) if self.shape.arn else self.format("arn:{partition}:" + _service(self.resource_type) + ":{region}:{account}:{name}")

    def _name(self) -> str:
        given = self.props.get(self.shape.name_property) if self.shape.name_property else None
        name = given or self.shape.default_name or f"{self.stack_name}-{self.logical_id}-{self.token[:12].upper()}"
        return name.lower()[:40] if self.shape.lowercase_name and not given else str(name)

    def _format(self, template: str) -> str:
        return template.format(token=self.token[:10], token6=self.token[:6], token17=self.token[:17], uuid=self._uuid(), name=getattr(self, "name", ""))

    def _uuid(self) -> str:
        t = self.token
        return f"{t[:8]}-{t[8:12]}-{t[12:16]}-{t[16:20]}-{t[20:32]}"

    def format(self, template: str) -> str:
        try:
            return template.format(
                partition=get_partition(self.region_name),
                region=self.region_name,
                account=self.account_id,
                name=self.name,
                id=getattr(self, "id", ""),
                token=self.token[:10],
                props=self.props,
            )
        except (KeyError, IndexError) as missing:
            raise ValidationError(message=f"{self.resource_type} {self.logical_id}: property {missing} is required") from None

    def host(self, role: str) -> str:
        return f"{role}.{self.name}.{self.token[:6]}.{self.region_name}.emulator.invalid"

    @property
    def ref(self) -> str:
        if self.shape.ref_format:
            return self.format(self.shape.ref_format)
        return {"id": self.id, "name": self.name, "arn": self.arn}[self.shape.ref]

    @property
    def physical_resource_id(self) -> str:
        return self.ref

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.info.get("attributes", [])

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if not self.has_cfn_attr(attribute_name):
            raise UnformattedGetAttTemplateException()
        special = self.shape.attributes.get(attribute_name)
        if special:
            return special(self)
        return self.generic_attribute(attribute_name)

    def generic_attribute(self, attribute: str) -> Any:
        last = attribute.split(".")[-1]
        if last.lower().endswith("arn"):
            return self.arn
        if last.endswith("Id"):
            return self.id
        if last.endswith("Name"):
            return self.name
        if last.endswith("Address"):
            return self.host(last.lower())
        return f"emulated-{re.sub(r'[^A-Za-z0-9]', '-', attribute)}-{self.token[:8]}"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> Placeholder:
        stack_id = kwargs.get("StackId", "")
        stack_name = stack_id.split("/")[1] if stack_id.count("/") >= 2 else "stack"
        return cls(kwargs.get("LogicalId", resource_name), stack_id, stack_name, cloudformation_json.get("Properties") or {}, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> Placeholder:
        # Same identity properties -> same IDs (an in-place update); otherwise a replacement.
        return cls(original_resource.logical_id, original_resource.stack_id, original_resource.stack_name, cloudformation_json.get("Properties") or {}, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> None:
        pass

    def delete(self, account_id: str, region_name: str) -> None:
        pass  # nothing exists behind a placeholder

    def is_created(self) -> bool:
        return True


def define_placeholder(resource_type: str, info: dict[str, Any]) -> type[Placeholder]:
    body = {
        "resource_type": resource_type,
        "info": info,
        "shape": SHAPES.get(resource_type, Shape()),
        "cloudformation_type": staticmethod(lambda: resource_type),
    }
    name = "Placeholder_" + resource_type.replace("::", "_")
    return types.new_class(name, (Placeholder, CloudFormationModel), exec_body=lambda namespace: namespace.update(body))


PLACEHOLDER_TYPES: list[str] = []


def apply(context: Context) -> None:
    from moto.cloudformation import parsing

    get_model_map.cache_clear()  # see every model defined so far, the launcher's own included
    modelled = set(get_model_map())
    get_model_map.cache_clear()
    for resource_type, info in sorted(context.types.items()):
        if resource_type not in modelled and resource_type not in PLACEHOLDER_TYPES:
            define_placeholder(resource_type, info)
            PLACEHOLDER_TYPES.append(resource_type)
            if resource_type in parsing.NULL_MODELS:  # moto skips these (Ref = null); a placeholder answers
                parsing.NULL_MODELS.remove(resource_type)
