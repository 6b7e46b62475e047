"""Every mutation of the schema writes one audit entry, done or refused."""

from string import Template

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import AuditEntry
from tests.conftest import cached_schema
from tests.core.test_authorization_matrix import (
    RULES,
    Matrix,
    build_world,
    judge,
    operations,
    token_for,
)


def _mutations(runtime) -> list[str]:
    kinds = operations(cached_schema(runtime))
    return sorted(name for name, kind in kinds.items() if kind == "mutation")


def _last_entry(runtime) -> AuditEntry | None:
    with session_scope(runtime.engine, write=False) as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc())
        return session.exec(query).first()


def _run(matrix, world, role: str, name: str, target="A") -> tuple[str, str]:
    rule = RULES[name]
    variables = world.targets[target] | {"new": f"n{next(matrix.counter)}"}
    document = f"mutation {{ {Template(rule.call).substitute(variables)} }}"
    client = matrix.client.as_token(token_for(matrix, world, role))
    return judge(client.raw(document), name, rule)


@pytest.fixture
def matrix(runtime, client) -> Matrix:
    return Matrix(runtime, client, cached_schema(runtime))


def test_every_mutation_records_its_entry(runtime, matrix):
    missing, world = [], build_world(matrix)
    for name in _mutations(runtime):
        # Each call may change its target's objects: A, then B, then a new world.
        if {"A", "B"} <= world.dirty:
            world = build_world(matrix)
        target = "A" if "A" not in world.dirty else "B"
        world.dirty.add(target)
        world.tokens.clear()
        before = _last_entry(runtime)

        verdict, detail = _run(matrix, world, "SYSTEM_ADMIN", name, target)

        entry = _last_entry(runtime)
        outcome = "succeeded" if verdict == "allowed" and not detail else "refused"
        if entry is None or entry == before or entry.action != name:
            missing.append(f"{name}: no entry")
        elif (entry.outcome, entry.actor) != (outcome, "admin"):
            missing.append(f"{name}: {entry.outcome} by {entry.actor}")

    assert missing == []


def test_refused_mutations_record_the_refusal(runtime, matrix):
    world = build_world(matrix)
    refused = [name for name in _mutations(runtime) if "USER" not in RULES[name].a]

    codes = {}
    for name in refused:
        _run(matrix, world, "USER", name)
        entry = _last_entry(runtime)
        codes[name] = (entry.action, entry.outcome, entry.actor_kind)

    assert {
        name: value
        for name, value in codes.items()
        if value != (name, "refused", "user")
    } == {}
