"""Deleting what moto's CloudFormation models cannot delete. Many models have no delete (their
``delete_from_cloudformation_json`` is moto's abstract one, so
``moto.cloudformation.parsing.ResourceMap._delete_resource`` leaves them), so a stack delete (or a
rollback) leaves them in moto's backends; for the network ones that makes the
VPC's own deletion fail (DependencyViolation: route tables left behind), so no stack with a VPC
could be deleted or rolled back; an ECS service or target group left behind makes the next create
of the same name fail where AWS would not. Models deletion through moto's own service backends for
the types below, as a stack deletion deletes every resource whose DeletionPolicy is Delete
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html;
an ECS cluster becomes INACTIVE, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteCluster.html).
A resource already gone counts as deleted, as the resource handler contract has it
(https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html).
Types still without a deletion (column "delete" of docs/emulator.md) are removed from the stack
but stay in moto's backend: their DELETE_COMPLETE event says so (engine/resource_events.py, which
installs ResourceMap._delete_resource and calls delete_resource below)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.parsing import get_model_map

from .. import Context, Patch
from ..patching import moto_backend, original

PATCH = Patch(
    name="deletions",
    gap="many models have no delete: EC2 network ones (so a VPC stack cannot be deleted), ECS, ELBv2 listeners and target groups, API Gateway",
    kind="models",
    corrects="moto.cloudformation.parsing.ResourceMap._delete_resource for models without a delete (EC2 network types, ECS, ELBv2 listeners and target groups, API Gateway)",
)


def delete_route_table(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ec2", account_id, region_name).delete_route_table(resource.id)


def delete_route(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ec2", account_id, region_name).delete_route(resource.route_table.id, resource.destination_cidr_block)


def delete_subnet_route_table_association(resource: Any, account_id: str, region_name: str) -> None:
    backend = moto_backend("ec2", account_id, region_name)
    table = backend.get_route_table(resource.route_table_id)
    for association_id, subnet_id in list(table._associations.items()):
        if subnet_id == resource.subnet_id:
            backend.disassociate_route_table(association_id)


def delete_internet_gateway(resource: Any, account_id: str, region_name: str) -> None:
    backend = moto_backend("ec2", account_id, region_name)
    if resource.vpc is not None:
        backend.detach_internet_gateway(resource.id, resource.vpc.id)
    backend.delete_internet_gateway(resource.id)


def delete_gateway_attachment(resource: Any, account_id: str, region_name: str) -> None:
    backend = moto_backend("ec2", account_id, region_name)
    if resource.gateway_id in backend.internet_gateways:
        backend.detach_internet_gateway(resource.gateway_id, resource.vpc_id)


def delete_nat_gateway(resource: Any, account_id: str, region_name: str) -> None:
    backend = moto_backend("ec2", account_id, region_name)
    backend.delete_nat_gateway(resource.id)
    backend.nat_gateways.pop(resource.id, None)  # AWS keeps it "deleted" for an hour; moto forever


def delete_eip(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ec2", account_id, region_name).release_address(allocation_id=resource.allocation_id)


def delete_vpc_endpoint(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ec2", account_id, region_name).delete_vpc_endpoints([resource.id])


def delete_flow_log(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ec2", account_id, region_name).delete_flow_logs([resource.id])


def delete_security_group_ingress(resource: Any, account_id: str, region_name: str) -> None:
    properties = resource.properties
    source = properties.get("SourceSecurityGroupId")
    moto_backend("ec2", account_id, region_name).revoke_security_group_ingress(
        group_name_or_id=resource.security_group.id,
        ip_protocol=str(properties.get("IpProtocol")),
        from_port=properties.get("FromPort"),
        to_port=properties.get("ToPort"),
        ip_ranges=[{"CidrIp": properties["CidrIp"]}] if properties.get("CidrIp") else [],
        source_groups=[{"GroupId": source}] if source else [],
    )


def delete_ecs_service(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ecs", account_id, region_name).delete_service(resource.cluster_name, resource.name, force=True)


def delete_ecs_cluster(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ecs", account_id, region_name).delete_cluster(resource.name)


def delete_task_definition(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("ecs", account_id, region_name).deregister_task_definition(resource.arn)


def delete_listener(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("elbv2", account_id, region_name).delete_listener(resource.arn)


def delete_target_group(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("elbv2", account_id, region_name).delete_target_group(resource.arn)


def delete_rest_api(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("apigateway", account_id, region_name).delete_rest_api(resource.id)


def delete_api_resource(resource: Any, account_id: str, region_name: str) -> None:
    moto_backend("apigateway", account_id, region_name).delete_resource(resource.api_id, resource.id)


def delete_api_method(resource: Any, account_id: str, region_name: str) -> None:
    # moto's Method does not know its resource: find it there.
    for api in moto_backend("apigateway", account_id, region_name).apis.values():
        for api_resource in api.resources.values():
            for verb, method in list(api_resource.resource_methods.items()):
                if method is resource:
                    api_resource.resource_methods.pop(verb)


def delete_api_deployment(resource: Any, account_id: str, region_name: str) -> None:
    # moto's Deployment does not know its REST API: find it there.
    for api in moto_backend("apigateway", account_id, region_name).apis.values():
        for deployment_id, deployment in list(api.deployments.items()):
            if deployment is resource:
                api.deployments.pop(deployment_id)


DELETERS: dict[str, Callable[[Any, str, str], None]] = {
    "AWS::EC2::RouteTable": delete_route_table,
    "AWS::EC2::Route": delete_route,
    "AWS::EC2::SubnetRouteTableAssociation": delete_subnet_route_table_association,
    "AWS::EC2::InternetGateway": delete_internet_gateway,
    "AWS::EC2::VPCGatewayAttachment": delete_gateway_attachment,
    "AWS::EC2::NatGateway": delete_nat_gateway,
    "AWS::EC2::EIP": delete_eip,
    "AWS::EC2::VPCEndpoint": delete_vpc_endpoint,
    "AWS::EC2::FlowLog": delete_flow_log,
    "AWS::EC2::SecurityGroupIngress": delete_security_group_ingress,
    "AWS::ECS::Service": delete_ecs_service,
    "AWS::ECS::Cluster": delete_ecs_cluster,
    "AWS::ECS::TaskDefinition": delete_task_definition,
    "AWS::ElasticLoadBalancingV2::Listener": delete_listener,
    "AWS::ElasticLoadBalancingV2::TargetGroup": delete_target_group,
    "AWS::ApiGateway::RestApi": delete_rest_api,
    "AWS::ApiGateway::Resource": delete_api_resource,
    "AWS::ApiGateway::Method": delete_api_method,
    "AWS::ApiGateway::Deployment": delete_api_deployment,
}


def deletion_modelled(resource_type: str) -> bool:
    """Whether deleting a resource of this type really removes it from the emulator."""
    if resource_type in DELETERS:
        return True
    model = get_model_map().get(resource_type)
    if model is None:
        return False
    if getattr(model, "info", None) is not None:
        return True  # a placeholder: nothing to remove
    return hasattr(model, "delete") or not hasattr(model.delete_from_cloudformation_json, "__isabstractmethod__")


def already_gone(error: Exception) -> bool:
    """moto's "does not exist" errors (e.g. a route whose route table was deleted first)."""
    code = str(getattr(error, "error_type", "") or type(error).__name__)
    return "NotFound" in code or code.endswith("IdError") or code.endswith(".Malformed") or "does not exist" in str(error)


def delete_resource(resource_map: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
    """Deletes one resource through its service's backend (moto's own delete where it has one)."""
    deleter = DELETERS.get(resource_json.get("Type", ""))
    try:
        if deleter is None:
            original(parsing.ResourceMap, "_delete_resource")(resource_map, parsed_resource, resource_json)
        else:
            deleter(parsed_resource, resource_map._account_id, resource_map._region_name)
    except Exception as error:
        if not already_gone(error):
            raise


def apply(context: Context) -> None:
    original(parsing.ResourceMap, "_delete_resource")  # remember moto's before engine/resource_events replaces it
