"""Request guards: who may introspect, who sees hints, which errors show."""

import logging
import re
from collections.abc import Iterator

from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from core.errors import MailplaneError
from core.principal import Role

logger = logging.getLogger(__name__)

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class CallerGuard(SchemaExtension):
    """Refuses introspection and hides "did you mean" hints, per caller.

    Anonymous callers never get either; everyone else gets them unless the
    configuration turns them off. The configuration is read from the
    request's runtime, so one schema serves every configuration.

    Introspection is refused by a validation rule added to the request's
    rules: the validation cache keys its entries on the rules, so documents
    validated for an anonymous caller are cached apart from the others.
    Hints are removed from the final result, which covers validation errors
    and the coercion errors of variables alike.
    """

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        introspection, suggestions = _allowed(context.context)
        if not introspection:
            context.validation_rules = (
                *context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield
        result = context.result
        if not suggestions and getattr(result, "errors", None):
            result.errors = [_without_suggestion(error) for error in result.errors]


def _allowed(request_context) -> tuple[bool, bool]:
    """Whether the caller may introspect, and may see suggestions."""
    principal = getattr(request_context, "principal", None)
    if principal is None or principal.role is Role.ANONYMOUS:
        return False, False
    config = request_context.runtime.config
    return config.introspection, config.suggestions


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    # A new error: the original may sit in the validation cache.
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


def should_mask(error: GraphQLError) -> bool:
    """Mask and log what failed unexpectedly in a resolver; the rest is public.

    Service errors, and errors of the request itself (syntax, validation,
    variables that don't coerce, which carry no result path), are the
    client's to read.
    """
    original = error.original_error
    if original is None or isinstance(original, MailplaneError):
        return False
    if isinstance(original, GraphQLError):
        return should_mask(original)
    if error.path is None:
        return False
    path = ".".join(str(part) for part in error.path)
    logger.error("Unexpected error in %s.", path, exc_info=original)
    return True
