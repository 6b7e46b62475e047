"""GraphQL types derived from the settings registry, fresh for every build.

Each section model becomes an output type (``LimitsSettings``) and a patch
input (``LimitsSettingsInput``, every field optional); each scope becomes a
container type (``DomainSettings``) with one field per section, and its
input. A field left out of a patch stays as it is; an explicit null clears
a nullable field.
"""

import types
import typing
from enum import Enum
from typing import Any, Optional, get_args, get_origin

import strawberry
from graphql import GraphQLSchema
from pydantic.fields import FieldInfo
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import has_object_definition
from strawberry.types.unset import UNSET

from core.errors import InvalidInput
from core.settings.registry import SettingsRegistry
from core.settings.section import Scope, SectionModel
from core.text import to_camel


class SettingsView:
    """A stored settings document, read section by section on demand.

    Any object with ``read(section_name) -> SectionModel`` may stand where
    a container type (``DomainSettings``) is returned.
    """

    __slots__ = ("_registry", "_scope", "_stored")

    def __init__(self, registry: SettingsRegistry, scope: Scope, stored: dict) -> None:
        self._registry = registry
        self._scope = scope
        self._stored = stored

    def read(self, name: str) -> SectionModel:
        return self._registry.read(self._scope, self._stored, name)


class SettingsTypeBuilder:
    """Builds the output and input types of one scope's sections."""

    def __init__(self, registry: SettingsRegistry) -> None:
        self.registry = registry
        self.outputs: dict[type, type] = {}
        self.inputs: dict[type, type] = {}

    def container(self, scope: Scope) -> tuple[type, type]:
        """The ``DomainSettings`` / ``UserSettings`` output and input types."""
        prefix = scope.capitalize()
        out_ns: dict[str, Any] = {"__annotations__": {}}
        in_ns: dict[str, Any] = {"__annotations__": {}}
        for spec in self.registry.sections(scope):
            output = self.output_type(spec.model, spec.description)
            out_ns["__annotations__"][spec.name] = output
            out_ns[spec.name] = strawberry.field(description=spec.description)
            patch = self.input_type(spec.model, spec.description)
            in_ns["__annotations__"][spec.name] = Optional[patch]  # noqa: UP045
            in_ns[spec.name] = strawberry.field(
                default=UNSET, description=spec.description
            )
        output = strawberry.type(
            type(f"{prefix}Settings", (), out_ns),
            description=f"Every settings section of a {scope}, one field per section.",
        )
        patch = strawberry.input(
            type(f"{prefix}SettingsInput", (), in_ns),
            description=f"A partial patch of a {scope}'s settings: sections and "
            "fields left out stay as they are.",
        )
        return output, patch

    def output_type(self, model: type[SectionModel], description: str = "") -> type:
        if model not in self.outputs:
            ns = {"__annotations__": {}}
            for name, info in model.model_fields.items():
                ns["__annotations__"][name] = self._annotation(
                    info.annotation, self.output_type
                )
                ns[name] = strawberry.field(description=_describe(info))
            self.outputs[model] = strawberry.type(
                type(model.__name__, (), ns), description=description or _doc(model)
            )
        return self.outputs[model]

    def input_type(self, model: type[SectionModel], description: str = "") -> type:
        if model not in self.inputs:
            ns = {"__annotations__": {}}
            for name, info in model.model_fields.items():
                inner = self._annotation(info.annotation, self.input_type)
                ns["__annotations__"][name] = Optional[inner]  # noqa: UP045
                ns[name] = strawberry.field(default=UNSET, description=_describe(info))
            self.inputs[model] = strawberry.input(
                type(f"{model.__name__}Input", (), ns),
                description=f"Changes to: {description or _doc(model)}",
            )
        return self.inputs[model]

    def _annotation(self, annotation: Any, nested) -> Any:
        origin = get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            return Optional[self._annotation(args[0], nested)]  # noqa: UP045
        if origin is list:
            return list[self._annotation(get_args(annotation)[0], nested)]
        if isinstance(annotation, type) and issubclass(annotation, SectionModel):
            return nested(annotation)
        if isinstance(annotation, type) and issubclass(annotation, Enum):
            return graphql_enum(annotation)
        return annotation


def bind_section_readers(schema: GraphQLSchema, containers: list[type]) -> None:
    """Resolve the section fields of container types with ``root.read(name)``.

    The fields are declared without a strawberry resolver and get a plain
    graphql-core one here: a strawberry resolver costs several times more
    per call, paid for every section of every row of a list.
    """
    for container in containers:
        graphql_type = schema.get_type(container.__strawberry_definition__.name)
        for field_def in graphql_type.fields.values():
            definition = field_def.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
            field_def.resolve = _section_reader(definition.python_name)


def _section_reader(name: str):
    def read(root, _info) -> SectionModel:
        return root.read(name)

    return read


def graphql_enum(enum: type[Enum]) -> type[Enum]:
    """Declare a settings enum to strawberry once, however many builds run."""
    if not has_object_definition(enum) and not hasattr(
        enum, "__strawberry_definition__"
    ):
        strawberry.enum(enum, description=_doc(enum))
    return enum


def _describe(info: FieldInfo) -> str:
    return info.description or "No description."


def _doc(cls: type) -> str:
    doc = (cls.__doc__ or "").strip().splitlines()
    return doc[0] if doc else f"{cls.__name__}."


def patch_to_dict(value: Any) -> Any:
    """A strawberry patch input as a plain dict of the fields that were given."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [patch_to_dict(item) for item in value]
    return {
        name: patch_to_dict(item)
        for name, item in vars(value).items()
        if item is not UNSET
    }


def settings_patch(value: Any) -> dict | None:
    """A settings patch input as ``{section: {field: value}}``; None if empty.

    A section given as null is refused: it names no field to change.
    """
    if value is None or value is UNSET:
        return None
    patch = patch_to_dict(value) or None
    for section, changes in (patch or {}).items():
        if changes is None:
            raise InvalidInput(
                f"settings.{to_camel(section)} is null; give the fields to change "
                "or leave the section out.",
                field=f"settings.{to_camel(section)}",
            )
    return patch


def describe_path(section: str, field: str) -> str:
    return f"{section}.{to_camel(field)}"
