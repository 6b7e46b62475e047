"""Refuses the operations of plugins whose license expired while running.

The builder notes in each schema which plugin contributed each root field
(``record_root_owners``). Per request, ``LicenseGuard`` asks the plugin host
which plugins have lapsed, a clock read; while none has, that is all it
costs. Once some have, a validation rule refuses their query and
subscription fields, the way ``CallerGuard`` refuses introspection, and
``run_mutation`` answers their mutations with a payload error
(``refuse_lapsed_mutation``). Both carry the code ``LICENSE_EXPIRED``.
"""

from collections.abc import Iterator
from functools import cache

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)
from graphql.validation import ValidationContext, ValidationRule
from strawberry.extensions import SchemaExtension

from core.errors import PermissionDenied
from core.plugin_expiry import LICENSE_EXPIRED
from core.schema.context import Info

# Key of the root field owners in the GraphQL schema's extensions:
# operation type ("query", "mutation", "subscription") -> field -> plugin.
ROOT_OWNERS = "mailplane.root_owners"
KINDS = tuple(kind.value for kind in OperationType)


def record_root_owners(schema: strawberry.Schema, contributions: list) -> None:
    """Note which plugin (or ``core``) contributed each root field.

    ``contributions`` holds ``(plugin, SchemaContribution)`` pairs.
    """
    graphql_name = schema.config.name_converter.from_field
    owners: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    for plugin, item in contributions:
        for kind in KINDS:
            fragment = getattr(item, kind)
            if fragment is None:
                continue
            for field in fragment.__strawberry_definition__.fields:
                owners[kind][graphql_name(field)] = plugin
    schema._schema.extensions[ROOT_OWNERS] = owners


def root_owners(schema: GraphQLSchema, kind: str) -> dict[str, str]:
    return schema.extensions.get(ROOT_OWNERS, {}).get(kind, {})


class LicenseGuard(SchemaExtension):
    """Adds the refusal rule while some plugin's license has expired.

    The rule class is the same for the same lapsed plugins, so the
    validation cache keeps documents checked with it apart from the rest.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        runtime = getattr(context.context, "runtime", None)
        lapsed = runtime.plugins.lapsed() if runtime is not None else frozenset()
        if lapsed:
            rules = (*context.validation_rules, refusal_rule(lapsed))
            context.validation_rules = rules
        yield


@cache
def refusal_rule(lapsed: frozenset[str]) -> type[ValidationRule]:
    """A rule refusing the root fields that the ``lapsed`` plugins contributed."""

    class LapsedPluginFields(ValidationRule):
        def enter_operation_definition(
            self, node: OperationDefinitionNode, *_args
        ) -> None:
            kind = node.operation.value
            owners = root_owners(self.context.schema, kind)
            for field in _root_fields(self.context, node.selection_set, set()):
                name = field.name.value
                plugin = owners.get(name)
                if plugin not in lapsed:
                    continue
                if kind == "mutation" and _answers_in_payload(self.context, name):
                    continue
                self.report_error(
                    GraphQLError(
                        explain_refusal(name, plugin),
                        field,
                        extensions={"code": LICENSE_EXPIRED, "plugin": plugin},
                    )
                )

    return LapsedPluginFields


def _root_fields(
    context: ValidationContext, selections: SelectionSetNode, seen: set[str]
) -> Iterator[FieldNode]:
    """The fields of an operation's root, through its fragments."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(context, selection.selection_set, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            # A cycle is another rule's to report.
            if fragment is not None and name not in seen:
                seen.add(name)
                yield from _root_fields(context, fragment.selection_set, seen)


def _answers_in_payload(context: ValidationContext, name: str) -> bool:
    """Whether a mutation returns a payload with ``errors``: the ones that
    go through ``run_mutation``, which refuses them there."""
    root = context.schema.mutation_type
    field = root.fields.get(name) if root is not None else None
    payload = get_named_type(field.type) if field is not None else None
    return isinstance(payload, GraphQLObjectType) and "errors" in payload.fields


def refuse_lapsed_mutation(info: Info) -> None:
    """Raise ``PermissionDenied`` (``LICENSE_EXPIRED``) for a lapsed plugin's
    mutation; ``run_mutation`` turns it into the payload's errors."""
    lapsed = info.context.runtime.plugins.lapsed()
    if not lapsed or info.path.prev is not None:
        return
    plugin = root_owners(info.schema._schema, "mutation").get(info.field_name)
    if plugin in lapsed:
        raise PermissionDenied(
            explain_refusal(info.field_name, plugin), code=LICENSE_EXPIRED
        )


def explain_refusal(field: str, plugin: str) -> str:
    return (
        f"{field} comes from the plugin {plugin!r}, whose license has expired; "
        "install a valid license to use it again."
    )
