"""Depth and alias limits that see through fragments at linear cost.

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` expand every
fragment spread anew, so a document of a few hundred tokens whose fragments
each spread the next one twice costs them 2^n steps: a query that never
reaches the executor still holds a worker for seconds or hours. Here each
fragment is measured once and its figures reused wherever it is spread,
which counts exactly what the expansion would (the deepest nesting, every
alias as often as it would be executed) in time linear in the document.
"""

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


@dataclass(frozen=True)
class Measure:
    """How deep a selection set nests fields, and how many aliases it holds."""

    depth: int
    aliases: int


EMPTY = Measure(0, 0)


class DocumentMeasurer:
    """Measures the selection sets of one document, each fragment once.

    A fragment that spreads itself (directly or not) is measured as empty
    where the cycle closes; graphql-core's ``NoFragmentCyclesRule`` rejects
    such documents anyway.
    """

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        self.measured: dict[str, Measure] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selections: SelectionSetNode | None) -> Measure:
        depth = aliases = 0
        for selection in selections.selections if selections else ():
            measure = self.selection(selection)
            depth = max(depth, measure.depth)
            aliases += measure.aliases
        return Measure(depth, aliases)

    def selection(self, node) -> Measure:
        if isinstance(node, FieldNode):
            return self.field(node)
        if isinstance(node, InlineFragmentNode):
            return self.selection_set(node.selection_set)
        if isinstance(node, FragmentSpreadNode):
            return self.fragment(node.name.value)
        return EMPTY

    def field(self, node: FieldNode) -> Measure:
        inner = self.selection_set(node.selection_set)
        own_alias = 1 if node.alias else 0
        # Introspection has its own depth rule in graphql-core.
        if node.selection_set is None or node.name.value.startswith("__"):
            return Measure(0, inner.aliases + own_alias)
        return Measure(inner.depth + 1, inner.aliases + own_alias)

    def fragment(self, name: str) -> Measure:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return EMPTY
        self.in_progress.add(name)
        measure = self.selection_set(definition.selection_set)
        self.in_progress.discard(name)
        self.measured[name] = measure
        return measure


def query_limits_rule(*, max_depth: int, max_aliases: int) -> type[ValidationRule]:
    """A validation rule refusing documents deeper or more aliased than allowed.

    Build it once per schema: the validation cache keys its entries on the
    rule classes, so a class made per request would never be found again.
    """

    class QueryLimitsRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            measurer = DocumentMeasurer(document)
            aliases = 0
            for operation in _operations(document):
                measure = measurer.selection_set(operation.selection_set)
                aliases += measure.aliases
                if measure.depth > max_depth:
                    context.report_error(_too_deep(operation, max_depth))
            if aliases > max_aliases:
                context.report_error(
                    GraphQLError(
                        f"The document holds {aliases} aliases; at most "
                        f"{max_aliases} are allowed."
                    )
                )

    return QueryLimitsRule


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [
        node
        for node in document.definitions
        if isinstance(node, OperationDefinitionNode)
    ]


def _too_deep(operation: OperationDefinitionNode, max_depth: int) -> GraphQLError:
    name = operation.name.value if operation.name else "anonymous"
    return GraphQLError(
        f"The operation {name!r} nests fields deeper than {max_depth} levels.",
        operation,
    )
