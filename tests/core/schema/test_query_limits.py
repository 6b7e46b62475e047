"""Depth, alias and token limits, fragments included, at linear cost."""

import time

import pytest
from graphql import parse

from core.schema.query_limits import DocumentMeasurer, Measure
from tests.conftest import with_config

DEEP_IN_FRAGMENTS = """
query { ...Outer }
fragment Outer on Query { domains { ...Middle } }
fragment Middle on DomainConnection { nodes { ...Inner } }
fragment Inner on Domain { settings { limits { users } } }
"""

SHALLOW = "query { domains { nodes { name } } }"

ALIASES_IN_FRAGMENT = """
query { ...Names ...Names }
fragment Names on Query { a: me { name } b: me { name } c: me { name } }
"""

THREE_ALIASES = "query { a: me { name } b: me { name } c: me { name } }"


def _doubling(levels: int, leaf: str) -> str:
    """Fragments that each spread the next twice: 2**levels when expanded."""
    fragments = "".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}\n" for i in range(levels)
    )
    return f"query {{ ...F0 }}\n{fragments}fragment F{levels} on Query {{ {leaf} }}\n"


@pytest.fixture
def config(config):
    return with_config(config, max_query_depth=3, max_aliases=4, max_tokens=400)


@pytest.fixture
def app(runtime):
    """An app with its own schema: the limits are fixed when it is built."""
    from core.app import create_app

    return create_app(runtime)


def test_depth_hidden_in_fragments_is_refused(admin):
    body = admin.raw(DEEP_IN_FRAGMENTS)

    assert body["data"] is None
    assert "deeper than 3" in body["errors"][0]["message"]


def test_depth_within_limit_is_served(admin):
    assert admin.execute(SHALLOW)["domains"]["nodes"] == []


def test_aliases_hidden_in_fragments_are_counted(admin):
    assert admin.execute(THREE_ALIASES)["a"]["name"] == "admin"

    body = admin.raw(ALIASES_IN_FRAGMENT)

    assert body["data"] is None
    assert "6 aliases" in body["errors"][0]["message"]


def test_doubling_fragments_are_measured_quickly(admin):
    started = time.perf_counter()

    refused = admin.raw(_doubling(25, "x: me { name }"))
    served = admin.raw(_doubling(25, "me { name }"))

    assert time.perf_counter() - started < 2
    assert refused["data"] is None
    assert served["data"] == {"me": {"name": "admin"}}


def test_too_many_tokens_are_refused(admin):
    query = "query { " + " ".join(["__typename"] * 500) + " }"

    body = admin.raw(query)

    assert body["data"] is None
    assert "400 tokens" in body["errors"][0]["message"]


MEASURES = [
    pytest.param("{ a }", Measure(0, 0), id="leaf"),
    pytest.param("{ a { b { c } } }", Measure(2, 0), id="nested"),
    pytest.param("{ x: a { y: b } }", Measure(1, 2), id="aliases"),
    pytest.param("{ ...F } fragment F on Q { a { b } }", Measure(1, 0), id="spread"),
    pytest.param("{ a { ... on T { b { c } } } }", Measure(2, 0), id="inline"),
    pytest.param("{ __schema { types { name } } }", Measure(0, 0), id="introspection"),
    pytest.param(
        "{ ...F ...F } fragment F on Q { x: a { ...G } } fragment G on Q { y: b }",
        Measure(1, 4),
        id="counted-per-spread",
    ),
    pytest.param(
        "{ ...F } fragment F on Q { a { ...F } }", Measure(1, 0), id="cycle-ends"
    ),
    pytest.param("{ ...Missing }", Measure(0, 0), id="unknown-fragment"),
]


@pytest.mark.parametrize(("query", "expected"), MEASURES)
def test_measurer_counts_like_expansion(query, expected):
    document = parse(query)
    operation = document.definitions[0]

    measure = DocumentMeasurer(document).selection_set(operation.selection_set)

    assert measure == expected
