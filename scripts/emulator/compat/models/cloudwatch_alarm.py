"""AWS::CloudWatch::Alarm has no CloudFormation model in moto (moto.cloudwatch has the service).
Models single-metric alarms with moto's own CloudWatch, as the resource's properties and return
values say (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html):
`aws cloudwatch describe-alarms` lists them, with their actions, dimensions and tags; created, put
again on update (AlarmName kept; a new AlarmName replaces it), deleted with the stack. Ref is the
alarm name, GetAtt Arn its ARN. Metric-math alarms (Metrics) are stored without their queries. No
alarm is ever evaluated: the state stays INSUFFICIENT_DATA."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import Context, Patch
from ..patching import moto_backend
from ..values import truthy
from .base import BackedModel, registered

PATCH = Patch(
    name="cloudwatch-alarm",
    gap="AWS::CloudWatch::Alarm has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.cloudwatch.models.CloudWatchBackend has the service)",
)


def put_alarm(name: str, properties: dict[str, Any], account_id: str, region_name: str) -> Any:
    def optional_int(key: str) -> int | None:
        return int(properties[key]) if properties.get(key) is not None else None

    return moto_backend("cloudwatch", account_id, region_name).put_metric_alarm(
        name=name,
        namespace=properties.get("Namespace"),
        metric_name=properties.get("MetricName"),
        comparison_operator=properties["ComparisonOperator"],
        evaluation_periods=int(properties["EvaluationPeriods"]),
        period=optional_int("Period"),
        threshold=float(properties.get("Threshold", 0)),
        statistic=properties.get("Statistic"),
        description=properties.get("AlarmDescription"),
        dimensions=[{"Name": d["Name"], "Value": str(d["Value"])} for d in properties.get("Dimensions") or []],
        alarm_actions=list(properties.get("AlarmActions") or []),
        datapoints_to_alarm=optional_int("DatapointsToAlarm"),
        extended_statistic=properties.get("ExtendedStatistic"),
        ok_actions=list(properties.get("OKActions") or []),
        insufficient_data_actions=list(properties.get("InsufficientDataActions") or []),
        unit=properties.get("Unit"),
        actions_enabled=properties.get("ActionsEnabled") is None or truthy(properties.get("ActionsEnabled")),
        treat_missing_data=properties.get("TreatMissingData"),
        evaluate_low_sample_count_percentile=properties.get("EvaluateLowSampleCountPercentile"),
        tags=[{"Key": t["Key"], "Value": t["Value"]} for t in properties.get("Tags") or []],
    )


class CloudWatchAlarm(BackedModel, CloudFormationModel):
    ATTRIBUTES = {"Arn": lambda self: self.alarm.alarm_arn}

    def __init__(self, alarm: Any):
        self.alarm = alarm

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @property
    def physical_resource_id(self) -> str:
        return str(self.alarm.name)

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> CloudWatchAlarm:
        properties = cloudformation_json.get("Properties") or {}
        return cls(put_alarm(properties.get("AlarmName") or resource_name, properties, account_id, region_name))

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> CloudWatchAlarm:
        properties = cloudformation_json.get("Properties") or {}
        name = properties.get("AlarmName") or original_resource.alarm.name
        if name != original_resource.alarm.name:
            original_resource.delete(account_id, region_name)
        return cls(put_alarm(name, properties, account_id, region_name))

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("cloudwatch", account_id, region_name).delete_alarms([self.alarm.name])


def apply(context: Context) -> None:
    registered(CloudWatchAlarm)
