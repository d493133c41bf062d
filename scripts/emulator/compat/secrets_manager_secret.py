"""AWS::SecretsManager::Secret has no CloudFormation model in moto. Models it with moto's own
Secrets Manager: the secret is created (Name, or CloudFormation's generated name), its value is
SecretString or generated from GenerateSecretString (length, exclusions, SecretStringTemplate +
GenerateStringKey), encrypted with KmsKeyId, tagged; `aws secretsmanager get-secret-value` returns
it. Ref and GetAtt Id are the ARN. An update changes Description and KmsKeyId in place (a new
generated value is not drawn: AWS does not either unless GenerateSecretString changes; here it is
never redrawn); a new Name replaces it; delete schedules its deletion, as AWS does."""

from __future__ import annotations

import json
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel

from . import Context, Patch
from .stacks import truthy

PATCH = Patch(name="secrets-manager-secret", gap="AWS::SecretsManager::Secret has no CloudFormation model", kind="models")


def _backend(account_id: str, region_name: str) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends

    return secretsmanager_backends[account_id][region_name]


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


class SecretsManagerSecret(CloudFormationModel):
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
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name == "Id":
            return self.arn
        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> "SecretsManagerSecret":  # type: ignore[override]
        properties = cloudformation_json.get("Properties") or {}
        backend = _backend(account_id, region_name)
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
    def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> "SecretsManagerSecret":  # type: ignore[override]
        properties = cloudformation_json.get("Properties") or {}
        if (properties.get("Name") or original_resource.name) != original_resource.name:
            replacement = cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
            original_resource.delete(account_id, region_name)
            return replacement
        _backend(account_id, region_name).update_secret(original_resource.arn, kms_key_id=properties.get("KmsKeyId"), description=properties.get("Description"))
        original_resource.properties = properties
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str) -> None:  # type: ignore[override]
        pass  # deletion goes through delete() on the instance

    def delete(self, account_id: str, region_name: str) -> None:
        _backend(account_id, region_name).delete_secret(self.arn, recovery_window_in_days=None, force_delete_without_recovery=False)

    def is_created(self) -> bool:
        return True


def apply(context: Context) -> None:
    assert SecretsManagerSecret.cloudformation_type() == "AWS::SecretsManager::Secret"  # defining the class registers it
