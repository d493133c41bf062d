"""AWS::RDS::DBInstance (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html):
moto's CloudFormation model (``moto.rds.models.DBInstance`` create_from_cloudformation_json,
get_cfn_attribute) passes only some properties to its RDS backend: ManageMasterUserPassword is dropped (so no master user secret and GetAtt
MasterUserSecret.SecretArn fails), as are DeletionProtection, EnableIAMDatabaseAuthentication,
EnableCloudwatchLogsExports and the monitoring settings; it answers GetAtt only for Endpoint.*.
Models them with moto's own RDS objects: the managed master secret is created in moto's Secrets
Manager (encrypted with MasterUserSecret.KmsKeyId), describe-db-instances shows the settings, a
protected instance refuses deletion, and DBInstanceArn, DbiResourceId and
MasterUserSecret.SecretArn are the instance's own values. An update applies in place what
ModifyDBInstance changes in place (DeletionProtection, MultiAZ, BackupRetentionPeriod, the
instance class and storage size, IAM auth, log exports, monitoring), as CloudFormation does
(https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBInstance.html); the
identifier is stored in lower case and a second instance with an identifier in use is refused
with DBInstanceAlreadyExists (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
DBInstanceIdentifier: "Stored as a lowercase string"; Errors: DBInstanceAlreadyExists)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from moto.rds.models import DBInstance, MasterUserSecret

from .. import Context, Patch
from ..patching import original, replace
from ..values import truthy

PATCH = Patch(
    name="rds-instance",
    gap="AWS::RDS::DBInstance drops ManageMasterUserPassword, DeletionProtection, IAM auth, log exports, monitoring; GetAtt only Endpoint.*",
    kind="models",
    corrects="moto.rds.models.DBInstance (create_from_cloudformation_json, get_cfn_attribute, has_cfn_attr; no update_from_cloudformation_json)",
)

NATIVE = {
    "DBInstanceArn": lambda db: db.arn,
    "DbiResourceId": lambda db: db.dbi_resource_id,
    "MasterUserSecret.SecretArn": lambda db: db.master_user_secret.secret_arn,
    "Endpoint.Address": lambda db: db.address,
    "Endpoint.Port": lambda db: str(db.port),
}


def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> DBInstance:
    properties = dict(cloudformation_json.get("Properties") or {})
    # moto's Ref yields the group object for groups of the same stack; its model wants the
    # parameter group's name and the subnet group object (a name from a parameter: wrapped).
    if properties.get("DBParameterGroupName") is not None and not isinstance(properties["DBParameterGroupName"], str):
        properties["DBParameterGroupName"] = properties["DBParameterGroupName"].name
    if isinstance(properties.get("DBSubnetGroupName"), str):
        properties["DBSubnetGroupName"] = SimpleNamespace(name=properties["DBSubnetGroupName"])
    cloudformation_json = {**cloudformation_json, "Properties": properties}
    database = original(DBInstance, "create_from_cloudformation_json")(resource_name.lower(), cloudformation_json, account_id, region_name, **kwargs)
    database.deletion_protection = truthy(properties.get("DeletionProtection"))
    database.enable_iam_database_authentication = truthy(properties.get("EnableIAMDatabaseAuthentication"))
    database.enabled_cloudwatch_logs_exports = list(properties.get("EnableCloudwatchLogsExports") or [])
    database.monitoring_interval = int(properties.get("MonitoringInterval", 0) or 0)
    database.monitoring_role_arn = properties.get("MonitoringRoleArn")
    if truthy(properties.get("ManageMasterUserPassword")):
        secret = properties.get("MasterUserSecret") or {}
        database.manage_master_user_password = True
        database.master_user_secret = MasterUserSecret(database, secret.get("KmsKeyId"))
    return database


def update_from_cloudformation_json(cls: Any, original_resource: DBInstance, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> DBInstance:
    properties = cloudformation_json.get("Properties") or {}
    database = original_resource
    database.deletion_protection = truthy(properties.get("DeletionProtection"))
    database.multi_az = truthy(properties.get("MultiAZ"))
    database.enable_iam_database_authentication = truthy(properties.get("EnableIAMDatabaseAuthentication"))
    database.enabled_cloudwatch_logs_exports = list(properties.get("EnableCloudwatchLogsExports") or [])
    database.monitoring_interval = int(properties.get("MonitoringInterval", 0) or 0)
    for prop, attribute in (("BackupRetentionPeriod", "backup_retention_period"), ("DBInstanceClass", "db_instance_class"), ("AllocatedStorage", "allocated_storage")):
        if properties.get(prop) is not None:
            setattr(database, attribute, int(properties[prop]) if prop != "DBInstanceClass" else properties[prop])
    return database


def has_cfn_attr(cls: Any, attribute: str) -> bool:
    return attribute in NATIVE


def get_cfn_attribute(self: DBInstance, attribute: str) -> Any:
    if attribute == "MasterUserSecret.SecretArn" and not getattr(self, "master_user_secret", None):
        from moto.cloudformation.exceptions import ValidationError

        raise ValidationError(message="MasterUserSecret.SecretArn: the instance has no managed master secret (ManageMasterUserPassword is not true)")
    if attribute in NATIVE:
        return NATIVE[attribute](self)
    return original(DBInstance, "get_cfn_attribute")(self, attribute)


def apply(context: Context) -> None:
    replace(DBInstance, "create_from_cloudformation_json", classmethod(create_from_cloudformation_json))
    replace(DBInstance, "update_from_cloudformation_json", classmethod(update_from_cloudformation_json))
    replace(DBInstance, "has_cfn_attr", classmethod(has_cfn_attr))
    replace(DBInstance, "get_cfn_attribute", get_cfn_attribute)
