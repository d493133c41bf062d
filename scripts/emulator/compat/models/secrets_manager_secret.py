"""AWS::SecretsManager::Secret has no CloudFormation model in moto (moto.secretsmanager has the
service). Models it with moto's own Secrets Manager, as the resource's properties and return
values say (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-secretsmanager-secret.html): the secret is created (Name, or CloudFormation's generated name), its value is
SecretString or generated from GenerateSecretString (length, exclusions, SecretStringTemplate +
GenerateStringKey), encrypted with KmsKeyId, tagged; `aws secretsmanager get-secret-value` returns
it. Ref and GetAtt Id are the ARN. An update changes Description and KmsKeyId in place (a new
generated value is not drawn: AWS does not either unless GenerateSecretString changes; here it is
never redrawn); a new Name replaces it; delete schedules its deletion, as AWS does
(https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html)."""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel

from .. import Context, Patch
from ..patching import moto_backend
from ..values import truthy
from .base import BackedModel, registered

PATCH = Patch(
    name="secrets-manager-secret",
    gap="AWS::SecretsManager::Secret has no CloudFormation model",
    kind="models",
    corrects="moto has no model for the type (moto.secretsmanager.models.SecretsManagerBackend has the service)",
)


def secret_value(backend: Any, properties: dict[str, Any]) -> str:
    if properties.get("SecretString") is not None:
        return str(properties["SecretString"])
    spec = properties.get("GenerateSecretString") or {}
    password = json.loads(
        backend.get_random_password(
            password_length=int(spec.get("PasswordLength", 32)),
            exclude_characters=spec.get("ExcludeCharacters", ""),
            exclude_numbers=truthy(spec.get("ExcludeNumbers")),
            exclude_punctuation=truthy(spec.get("ExcludePunctuation")),
            exclude_uppercase=truthy(spec.get("ExcludeUppercase")),
            exclude_lowercase=truthy(spec.get("ExcludeLowercase")),
            include_space=truthy(spec.get("IncludeSpace")),
            require_each_included_type=spec.get("RequireEachIncludedType", True) not in (False, "false", "False"),
        )
    )["RandomPassword"]
    if spec.get("SecretStringTemplate") and spec.get("GenerateStringKey"):
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = password
        return json.dumps(document)
    return password


class SecretsManagerSecret(BackedModel, CloudFormationModel):
    ATTRIBUTES = {"Id": lambda self: self.arn}

    def __init__(self, arn: str, name: str, properties: dict[str, Any]):
        self.arn = arn
        self.name = name
        self.properties = properties

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> SecretsManagerSecret:
        properties = cloudformation_json.get("Properties") or {}
        backend = moto_backend("secretsmanager", account_id, region_name)
        created = json.loads(
            backend.create_secret(
                name=properties.get("Name") or resource_name,
                secret_string=secret_value(backend, properties),
                secret_binary=None,
                description=properties.get("Description"),
                tags=properties.get("Tags"),
                kms_key_id=properties.get("KmsKeyId"),
                client_request_token=None,
                replica_regions=properties.get("ReplicaRegions") or [],
                force_overwrite=False,
            )
        )
        return cls(created["ARN"], created["Name"], properties)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> SecretsManagerSecret:
        properties = cloudformation_json.get("Properties") or {}
        if (properties.get("Name") or original_resource.name) != original_resource.name:
            replacement = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return replacement
        moto_backend("secretsmanager", account_id, region_name).update_secret(original_resource.arn, kms_key_id=properties.get("KmsKeyId"), description=properties.get("Description"))
        original_resource.properties = properties
        return original_resource

    def delete(self, account_id: str, region_name: str) -> None:
        moto_backend("secretsmanager", account_id, region_name).delete_secret(self.arn, recovery_window_in_days=None, force_delete_without_recovery=False)


def apply(context: Context) -> None:
    registered(SecretsManagerSecret)
