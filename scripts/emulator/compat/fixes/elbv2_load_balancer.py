"""AWS::ElasticLoadBalancingV2::LoadBalancer. moto's CloudFormation model
(``moto.elbv2.models.FakeLoadBalancer.create_from_cloudformation_json``) drops Type (every load
balancer becomes an "application" one, so a Network Load Balancer's TLS/TCP listener is refused),
SubnetMappings, IpAddressType, Tags and LoadBalancerAttributes, and its ``get_cfn_attribute`` has
no LoadBalancerFullName. Models them with moto's ELBv2 backend, as the resource's properties and
return values say (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-elasticloadbalancingv2-loadbalancer.html):
describe-load-balancers shows the type, tags and attributes; listeners are validated against the
right type; LoadBalancerFullName is app|net/<name>/<id>."""

from __future__ import annotations

from typing import Any

from moto.elbv2.models import FakeLoadBalancer

from .. import Context, Patch
from ..patching import moto_backend, original, replace

PATCH = Patch(
    name="elbv2-load-balancer",
    gap="AWS::ElasticLoadBalancingV2::LoadBalancer ignores Type (an NLB becomes an ALB), attributes and tags",
    kind="models",
    corrects="moto.elbv2.models.FakeLoadBalancer (create_from_cloudformation_json, get_cfn_attribute)",
)


def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> FakeLoadBalancer:
    properties = cloudformation_json.get("Properties") or {}
    backend = moto_backend("elbv2", account_id, region_name)
    load_balancer = backend.create_load_balancer(
        resource_name,
        properties.get("SecurityGroups") or [],
        properties.get("Subnets") or [],
        subnet_mappings=properties.get("SubnetMappings"),
        scheme=properties.get("Scheme", "internet-facing"),
        loadbalancer_type=properties.get("Type", "application"),
        ip_address_type=properties.get("IpAddressType", "ipv4"),
        tags=properties.get("Tags"),
    )
    attributes = {item["Key"]: str(item["Value"]).lower() if isinstance(item["Value"], bool) else str(item["Value"]) for item in properties.get("LoadBalancerAttributes") or []}
    if attributes:
        backend.modify_load_balancer_attributes(load_balancer.arn, attributes)
    return load_balancer


def get_cfn_attribute(self: FakeLoadBalancer, attribute_name: str) -> Any:
    if attribute_name == "LoadBalancerFullName":
        return self.arn.split(":loadbalancer/", 1)[1]
    return original(FakeLoadBalancer, "get_cfn_attribute")(self, attribute_name)


def apply(context: Context) -> None:
    replace(FakeLoadBalancer, "create_from_cloudformation_json", classmethod(create_from_cloudformation_json))
    replace(FakeLoadBalancer, "get_cfn_attribute", get_cfn_attribute)
