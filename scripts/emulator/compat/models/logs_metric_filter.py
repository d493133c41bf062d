"""AWS::Logs::MetricFilter has no CloudFormation model in moto (moto.logs has the service). Models
it with moto's own CloudWatch Logs, as the resource's properties say
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-metricfilter.html):
the filter is put on its log group (`aws logs describe-metric-filters` shows it, with its metric
transformations), put again on update, deleted with the stack. Filters are never applied to log
events (no metric is emitted). Ref is the filter name."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import Context, Patch
from ..patching import moto_backend
from .base import BackedModel, registered

PATCH = Patch(
    name="logs-metric-filter",
    gap="AWS::Logs::MetricFilter has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.logs.models.LogsBackend has the service)",
)

# CloudFormation's MetricTransformations keys -> the Logs API's (PutMetricFilter, camelCase).
TRANSFORMATION_KEYS = {"MetricName": "metricName", "MetricNamespace": "metricNamespace", "MetricValue": "metricValue", "DefaultValue": "defaultValue", "Unit": "unit", "Dimensions": "dimensions"}


def api_transformations(transformations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{TRANSFORMATION_KEYS.get(key, key): value for key, value in item.items()} for item in transformations]


class LogsMetricFilter(BackedModel, CloudFormationModel):
    def __init__(self, name: str, log_group: str):
        self.name = name
        self.log_group = log_group

    @staticmethod
    def cloudformation_name_type() -> str:
        return "FilterName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Logs::MetricFilter"

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> LogsMetricFilter:
        properties = cloudformation_json["Properties"]
        name = properties.get("FilterName") or resource_name
        moto_backend("logs", account_id, region_name).put_metric_filter(name, properties.get("FilterPattern", ""), properties["LogGroupName"], api_transformations(properties["MetricTransformations"]))
        return cls(name, properties["LogGroupName"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> LogsMetricFilter:
        original_resource.delete(account_id, region_name)
        name = cloudformation_json["Properties"].get("FilterName") or original_resource.name
        return cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("logs", account_id, region_name).delete_metric_filter(self.name, self.log_group)


def apply(context: Context) -> None:
    registered(LogsMetricFilter)
