"""How operations run: errors logged once, and a short path for plain leaves.

``MailplaneSchema`` replaces strawberry's logging of errors, which puts a
client's typo at ERROR beside a crash: unexpected errors in resolvers are
logged (with their traceback) and masked by the masking extension; one
that escapes the resolvers, from an extension say, is masked and logged
here; everything else is the client's own mistake, logged at debug.

The short path: graphql-core spends about 5 µs on each field it resolves
(resolve info, argument values, the resolver wrapper, awaitable checks,
the value's completion). A page of 100 domains with their settings is about 6,600
fields, nearly all of them plain attributes holding a scalar or an enum.

For exactly those fields (a strawberry field without a resolver,
arguments, permissions or extensions, whose type is a scalar or an enum,
possibly non-null) ``LeafFastExecutionContext`` reads the attribute and
coerces it directly. Anything unusual on the way (an exception, a null in
a non-null field, a value that won't coerce) falls back to graphql-core's
own path, which raises, locates and reports the error as it always does.
"""

import logging
import operator
from inspect import signature
from typing import Any

import strawberry
from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    get_nullable_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from core.errors import MailplaneError

logger = logging.getLogger(__name__)

PLAN = "mailplane.leaf_plan"
MASKED = "Unexpected error."

# graphql-core's (parent_type, source, field_details_list, path,
# position_context); another release may change it, and the fast path
# then stands aside rather than guess.
EXPECTED_PARAMETERS = (
    "self",
    "parent_type",
    "source",
    "field_details_list",
    "path",
    "position_context",
)


class MailplaneSchema(strawberry.Schema):
    """strawberry's schema, logging and masking errors as described above."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context=None
    ) -> None:
        for error in errors:
            if _escaped_resolvers(error):
                logger.error("Unexpected error.", exc_info=error.original_error)
                # A fresh error built for this request alone: safe to change.
                error.message = MASKED
            else:
                logger.debug("Request error: %s", error.message)


def _escaped_resolvers(error: GraphQLError) -> bool:
    """An exception strawberry caught around the whole operation.

    Resolver errors carry a path, and errors of the request's own text
    carry its nodes; this one carries neither.
    """
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, MailplaneError)):
        return False
    return error.path is None and not error.nodes


class LeafFastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context with a short path for plain leaves."""

    def execute_field(
        self, parent_type, source, field_details_list, path, position_context
    ) -> Any:
        node = field_details_list[0].node
        field_def = parent_type.fields.get(node.name.value)
        plan = field_def.extensions.get(PLAN) if field_def is not None else None
        # Middleware (an extension with a resolve hook) must see every field.
        middleware = getattr(self.middleware_manager, "middlewares", None)
        if plan is not None and not node.arguments and not middleware:
            value = _read_leaf(plan, source)
            if value is not Undefined:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _read_leaf(plan: tuple, source: Any) -> Any:
    """The coerced value, or ``Undefined`` to take graphql-core's path."""
    getter, leaf_type, non_null = plan
    try:
        value = getter(source)
        if value is None:
            return Undefined if non_null else None
        coerced = leaf_type.coerce_output_value(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


def execution_context_class() -> type[StrawberryGraphQLCoreExecutionContext]:
    """The fast context if this graphql-core matches it, else strawberry's."""
    base = StrawberryGraphQLCoreExecutionContext
    parameters = tuple(signature(base.execute_field).parameters)
    if parameters != EXPECTED_PARAMETERS:
        logger.warning(
            "graphql-core's execute_field takes %s; the leaf fast path is off.",
            ", ".join(parameters),
        )
        return base
    return LeafFastExecutionContext


def plan_leaf_fields(schema: GraphQLSchema) -> int:
    """Mark every plain leaf field of the schema's object types; return how many."""
    planned = 0
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        if graphql_type.name.startswith("__"):
            continue
        for field_def in graphql_type.fields.values():
            plan = _plan(field_def)
            if plan is not None:
                field_def.extensions[PLAN] = plan
                planned += 1
    return planned


def _plan(field_def) -> tuple | None:
    definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    plain = getattr(field_def.resolve, "_is_default", False)
    leaf = get_nullable_type(field_def.type)
    if definition is None or not plain or field_def.args or not is_leaf_type(leaf):
        return None
    getter = operator.attrgetter(definition.python_name)
    return getter, leaf, is_non_null_type(field_def.type)
