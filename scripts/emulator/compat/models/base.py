"""What every model of models/ shares. moto finds CloudFormation models by
CloudFormationModel.__subclasses__() (direct subclasses only), so each model derives from this
mixin *and* directly from CloudFormationModel: ``class X(BackedModel, CloudFormationModel)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


class BackedModel:
    """A CloudFormation model whose resource lives in one of moto's service backends: GetAtt answers
    the attributes of ATTRIBUTES, and a stack deletion calls delete() on the instance (moto's
    ResourceMap does, for a model that has one)."""

    ATTRIBUTES: ClassVar[dict[str, Callable[[Any], Any]]] = {}

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name in self.ATTRIBUTES:
            return self.ATTRIBUTES[attribute_name](self)
        raise UnformattedGetAttTemplateException()

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> None:
        pass  # deletion goes through delete() on the instance

    def is_created(self) -> bool:
        return True


def registered(model: type) -> None:
    """Each model module's apply(): defining the class is what registers it with moto."""
    from moto.core.common_models import CloudFormationModel

    if CloudFormationModel not in model.__bases__:
        raise TypeError(f"{model.__name__} must derive directly from CloudFormationModel: moto lists only direct subclasses")
