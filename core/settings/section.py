"""The base of every settings section: a typed model with defaults."""

import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

Scope = Literal["domain", "user"]


class SectionModel(BaseModel):
    """A settings section's fields, defaults and validation.

    Every field needs a default (the reference's) and a ``description``; the
    GraphQL types, storage, templates and CSV columns are derived from it.
    Allowed field types: bool, int, str, str | None, enums (``enum.Enum`` with
    string values), lists of str, and nested ``SectionModel`` subclasses.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @classmethod
    def field_error(cls, field: str, message: str, value: Any) -> ValidationError:
        """An error a model validator raises to name one field, not the section.

        A ``ValueError`` raised there is reported against the whole section,
        so a console could not point at the input at fault.
        """
        error = PydanticCustomError("value_error", message)
        details = InitErrorDetails(type=error, loc=(field,), input=value)
        return ValidationError.from_exception_data(cls.__name__, [details])


@dataclass(frozen=True)
class SectionSpec:
    """A section as registered: its name, model and who may change it.

    ``name`` is the camelCase key used in GraphQL, storage and setting paths
    (``limits`` in ``limits.diskSpaceMb``). ``domain_admin_fields`` lists the
    fields a domain administrator may change; everything else is for the
    system administrator. ``plugin`` names the contributor, for errors.
    """

    name: str
    model: type[SectionModel]
    scope: Scope
    description: str
    domain_admin_fields: frozenset[str] = field(default_factory=frozenset)
    plugin: str = "core"


def field_type(annotation: Any) -> Any:
    """What a field holds, through ``X | None`` (the allowed field types are
    never unions of two real types)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return inner[0] if len(inner) == 1 else annotation
    return annotation
