"""Stored setting values spelled as the GraphQL API shows them.

Documents store snake_case keys and enum values (``"external_mx"``); the
API shows camelCase fields and enum names (``EXTERNAL_MX``). Anything that
echoes stored values back to a caller, such as a propagation preview, goes
through here so a value reads the same as in ``domain { settings }``.
"""

import typing
from enum import Enum
from typing import Any

from core.settings.registry import SettingsRegistry
from core.settings.section import Scope, SectionModel, field_type
from core.text import to_camel


def api_value(registry: SettingsRegistry, scope: Scope, path: str, value: Any) -> Any:
    """``value`` of the setting at ``path`` (``limits``, ``email.inbound``)."""
    return as_shown(value_type(registry, scope, path), value)


def value_type(registry: SettingsRegistry, scope: Scope, path: str) -> Any:
    """What the setting at ``path`` holds: a section model, or a field's type."""
    section, name = registry.resolve_path(scope, path)
    annotation: Any = registry.get(scope, section).model
    for key in name.split(".") if name else ():
        annotation = annotation.model_fields[key].annotation
    return annotation


def as_shown(annotation: Any, value: Any) -> Any:
    """``value``, stored as ``annotation`` allows, in its API spelling.

    A value that doesn't fit (written outside the API) is returned as stored
    rather than hidden.
    """
    if value is None:
        return None
    annotation = field_type(annotation)
    if typing.get_origin(annotation) is list and isinstance(value, list):
        (item,) = typing.get_args(annotation)
        return [as_shown(item, element) for element in value]
    if isinstance(annotation, type) and issubclass(annotation, SectionModel):
        if not isinstance(value, dict):
            return value
        fields = annotation.model_fields
        shown = {}
        for key, item in value.items():
            if key in fields:
                shown[to_camel(key)] = as_shown(fields[key].annotation, item)
            else:
                shown[key] = item
        return shown
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        try:
            return annotation(value).name
        except ValueError:
            return value
    return value
