"""Request guards: who may introspect, and which errors a client sees."""

import logging
import re
from collections.abc import Iterator

from graphql import FieldNode, GraphQLError, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from core.errors import MailplaneError
from core.principal import Role

logger = logging.getLogger(__name__)

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")


class CallerGuard(SchemaExtension):
    """Refuses introspection to anonymous callers (or to all, by configuration).

    It runs after validation and after the validation cache, because its
    verdict depends on the caller while cached validation results do not.
    """

    def __init__(self, *, introspection: bool, suggestions: bool) -> None:
        self.introspection = introspection
        self.suggestions = suggestions

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        anonymous = context.context.principal.role is Role.ANONYMOUS
        errors = list(context.pre_execution_errors or [])
        if (anonymous or not self.introspection) and _asks_introspection(context):
            errors.append(GraphQLError("Introspection is not available."))
        if anonymous or not self.suggestions:
            errors = [_without_suggestion(error) for error in errors]
        context.pre_execution_errors = errors or None


class _IntrospectionFinder(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_field(self, node: FieldNode, *_args) -> None:
        if node.name.value in {"__schema", "__type"}:
            self.found = True


def _asks_introspection(context) -> bool:
    document = context.graphql_document
    if document is None:
        return False
    finder = _IntrospectionFinder()
    visit(document, finder)
    return finder.found


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(message, nodes=error.nodes, extensions=error.extensions)


def should_mask(error: GraphQLError) -> bool:
    """Mask anything unexpected; service errors and validation errors are public."""
    original = error.original_error
    if original is None or isinstance(original, MailplaneError):
        return False
    if isinstance(original, GraphQLError):
        return should_mask(original)
    logger.error("Unexpected error in %s.", error.path, exc_info=original)
    return True
