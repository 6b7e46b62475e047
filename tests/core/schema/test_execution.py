"""The short path through plain leaf fields gives what graphql-core gives."""

from enum import Enum

import pytest
import strawberry

from core.schema.execution import (
    PLAN,
    LeafFastExecutionContext,
    MailplaneSchema,
    plan_leaf_fields,
)


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Row:
    name: str
    colour: Colour
    note: str | None
    count: int

    @strawberry.field
    def computed(self) -> str:
        return self.name.upper()


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        return [
            Row(name="a", colour=Colour.RED, note=None, count=1),
            Row(name=None, colour=Colour.RED, note="n", count=2),  # type: ignore[arg-type]
            Row(name="c", colour="not a colour", note=None, count=3),  # type: ignore[arg-type]
        ]


@pytest.fixture(params=["fast", "plain"])
def schema(request):
    if request.param == "plain":
        return MailplaneSchema(query=Query)
    built = MailplaneSchema(
        query=Query, execution_context_class=LeafFastExecutionContext
    )
    plan_leaf_fields(built._schema)
    return built


def test_plans_only_plain_leaf_fields(schema):
    row = schema._schema.get_type("Row")
    planned = {name for name, field in row.fields.items() if PLAN in field.extensions}

    expected = {"name", "colour", "note", "count"} if planned else set()
    assert planned == expected


def test_fast_path_matches_graphql_core(schema):
    result = schema.execute_sync("{ rows { name colour note count computed } }")

    assert result.data == {
        "rows": [
            {"name": "a", "colour": "RED", "note": None, "count": 1, "computed": "A"},
            None,
            None,
        ]
    }
    assert sorted(tuple(error.path) for error in result.errors) == [
        ("rows", 1, "name"),
        ("rows", 2, "colour"),
    ]


def test_middleware_still_sees_every_field():
    from strawberry.extensions import SchemaExtension

    seen = []

    class Spy(SchemaExtension):
        def resolve(self, _next, root, info, *args, **kwargs):
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    schema = MailplaneSchema(
        query=Query,
        extensions=[Spy],
        execution_context_class=LeafFastExecutionContext,
    )
    plan_leaf_fields(schema._schema)

    schema.execute_sync("{ rows { count } }")

    assert seen.count("count") == 3
