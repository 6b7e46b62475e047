"""Builds the schema at start-up from core's fragments and every plugin's."""

import logging
from dataclasses import dataclass, field

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from core.errors import PluginError
from core.runtime import Runtime
from core.schema import fragments
from core.schema.execution import (
    MailplaneSchema,
    execution_context_class,
    plan_leaf_fields,
)
from core.schema.extensions import CallerGuard, should_mask
from core.schema.license_guard import LicenseGuard, record_root_owners
from core.schema.query_limits import query_limits_rule
from core.schema.scalars import SCALAR_MAP
from core.schema.settings_types import SettingsTypeBuilder, bind_section_readers

logger = logging.getLogger(__name__)


@dataclass
class SchemaContribution:
    """Fields a plugin adds: small strawberry types merged into the roots."""

    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: list[type] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltTypes:
    """Types made at build time, for fields that return or take them."""

    domain_settings: type
    domain_settings_input: type
    user_settings: type
    user_settings_input: type
    settings: SettingsTypeBuilder


def build_schema(runtime: Runtime) -> strawberry.Schema:
    """Merge core and plugin contributions; duplicates stop start-up."""
    types = _build_settings_types(runtime)
    contributions = [("core", item) for item in fragments.core_contributions(types)]
    contributions += runtime.plugins.contributions("register_schema", types=types)

    roots = {
        kind: _merge_root(kind, contributions)
        for kind in ("query", "mutation", "subscription")
    }
    extra_types = [t for _plugin, item in contributions for t in item.types]
    config = runtime.config
    schema = MailplaneSchema(
        query=roots["query"],
        mutation=roots["mutation"],
        subscription=roots["subscription"],
        types=extra_types,
        extensions=_extensions(config),
        config=StrawberryConfig(
            disable_field_suggestions=not config.suggestions, scalar_map=SCALAR_MAP
        ),
        execution_context_class=execution_context_class(),
    )
    bind_section_readers(schema._schema, [types.domain_settings, types.user_settings])
    plan_leaf_fields(schema._schema)
    record_root_owners(schema, contributions)
    return schema


def _build_settings_types(runtime: Runtime) -> BuiltTypes:
    builder = SettingsTypeBuilder(runtime.registry)
    domain_settings, domain_input = builder.container("domain")
    user_settings, user_input = builder.container("user")
    types = BuiltTypes(
        domain_settings, domain_input, user_settings, user_input, builder
    )
    for owner, field_name, annotation in fragments.settings_slots(types):
        bind_field_type(owner, field_name, annotation)
    return types


def bind_field_type(owner: type, field_name: str, annotation: object) -> None:
    """Point an output field of a static type at a type made in this build.

    Output fields are resolved against the GraphQL schema each build makes,
    so rebinding for a later build leaves earlier schemas working.
    """
    for item in owner.__strawberry_definition__.fields:
        if item.python_name == field_name:
            item.type_annotation = StrawberryAnnotation(annotation)
            return
    raise KeyError(f"{owner.__name__} has no field {field_name!r}.")


def _merge_root(kind: str, contributions: list) -> type | None:
    fragments_of_kind = [
        (plugin, getattr(item, kind))
        for plugin, item in contributions
        if getattr(item, kind)
    ]
    if not fragments_of_kind:
        return None
    _check_duplicate_fields(kind, fragments_of_kind)
    return merge_types(kind.capitalize(), tuple(f for _plugin, f in fragments_of_kind))


def _check_duplicate_fields(kind: str, fragments_of_kind: list) -> None:
    owners: dict[str, str] = {}
    for plugin, fragment in fragments_of_kind:
        for item in fragment.__strawberry_definition__.fields:
            name = item.python_name
            if name in owners:
                raise PluginError(
                    f"The {kind} field {name!r} of plugin {plugin!r} is already "
                    f"defined by plugin {owners[name]!r}; rename one of them."
                )
            owners[name] = plugin


def _extensions(config) -> list:
    """Extension factories, in order: limits, guards, caches, masking.

    The limits rule is made once here, so that every request carries the
    same rule classes and the validation cache finds its entries again.
    """
    limits = [
        query_limits_rule(
            max_depth=config.max_query_depth, max_aliases=config.max_aliases
        )
    ]
    return [
        lambda: MaxTokensLimiter(max_token_count=config.max_tokens),
        lambda: AddValidationRules(limits),
        CallerGuard,
        LicenseGuard,
        ParserCache,
        ValidationCache,
        lambda: MaskErrors(should_mask_error=should_mask),
    ]
