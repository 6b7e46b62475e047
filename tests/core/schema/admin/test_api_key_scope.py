"""A reseller's key reaches its domains only: in every query, list, count,
mutation and export."""

import csv
import io
from string import Template

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import SystemAdmin
from core.principal import Principal, Role
from core.services.api_keys import ApiKeyCreate, ApiKeyRole, create_api_key
from tests.conftest import cached_schema
from tests.core.schema.admin.documents import CREATE_DOMAIN, DOMAINS, PASSWORD
from tests.core.test_authorization_matrix import (
    RULES,
    Matrix,
    build_world,
    judge,
    operations,
)
from tests.workers.support import wait_for_job

# Calls that name no domain's object: a key may make them whatever it reaches.
UNSCOPED = {"me", "login", "logout", "createDomain", "exportDomainsCsv"}
UNSCOPED |= {"exportUsersCsv", "endImpersonation"}
# Public: what any login page may show about any domain.
UNSCOPED |= {"loginDisplay"}
# Queries of the caller's own objects (its jobs, its account's notifications).
OWN_OBJECTS = {"me", "jobs", "job", "notifications"}

EXPORT = "mutation {{ {field} {{ job {{ id }} errors {{ code }} }} }}"
USERS_A = 'query { users(domain: "a.test") { totalCount } }'


def _key_secret(runtime, domain_names: list[str] | None, role=ApiKeyRole.FULL) -> str:
    with session_scope(runtime.engine) as session:
        admin = session.exec(select(SystemAdmin)).first()
        root = Principal(Role.SYSTEM_ADMIN, admin.username, system_admin_id=admin.id)
        data = ApiKeyCreate(f"key-{len(domain_names or [])}", role, domain_names)
        _row, secret = create_api_key(session, root, data)
    return secret


def _call(client, rule, kind: str, targets: dict) -> dict:
    variables = targets | {"new": "fresh"}
    document = f"{kind} {{ {Template(rule.call).substitute(variables)} }}"
    return client.raw(document)


def test_scope_test_covers_every_core_operation(runtime):
    found = operations(cached_schema(runtime))

    assert set(found) - set(RULES) == set()


def test_reseller_key_reaches_nothing_of_other_domain(runtime, client):
    world = build_world(Matrix(runtime, client, cached_schema(runtime)))
    secret = _key_secret(runtime, [world.targets["A"]["domain"]])
    reseller = client.as_token(secret)
    kinds = operations(cached_schema(runtime))

    # Queries first, then mutations: a refused mutation changes nothing.
    names = sorted(set(kinds) - UNSCOPED, key=lambda name: (kinds[name], name))
    verdicts = {
        name: judge(
            _call(reseller, RULES[name], kinds[name], world.targets["B"]),
            name,
            RULES[name],
        )[0]
        for name in names
    }

    assert {name for name, verdict in verdicts.items() if verdict != "refused"} == set()


def test_reseller_key_reads_its_domain_as_admin(runtime, client):
    world = build_world(Matrix(runtime, client, cached_schema(runtime)))
    reseller = client.as_token(_key_secret(runtime, [world.targets["A"]["domain"]]))
    kinds = operations(cached_schema(runtime))
    names = {
        name
        for name, kind in kinds.items()
        if kind == "query" and "DOMAIN_ADMIN" in RULES[name].a
    } - OWN_OBJECTS

    verdicts = {
        name: judge(
            _call(reseller, RULES[name], "query", world.targets["A"]),
            name,
            RULES[name],
        )[0]
        for name in names
    }

    assert names and set(verdicts.values()) == {"allowed"}


def test_reseller_lists_and_counts_its_domains(domains, reseller):
    data = reseller.execute(DOMAINS)["domains"]

    assert data["totalCount"] == 1
    assert [node["name"] for node in data["nodes"]] == ["a.test"]
    assert reseller.execute(USERS_A)["users"]["totalCount"] == 1


def test_domain_created_by_key_joins_its_set(client, runtime, domains, reseller):
    other = client.as_token(_key_secret(runtime, ["b.test"]))

    created = reseller.mutate(
        CREATE_DOMAIN,
        {"name": "c.test", "adminUsername": "boss", "adminPassword": PASSWORD},
    )

    assert created["errors"] == []
    names = [node["name"] for node in reseller.execute(DOMAINS)["domains"]["nodes"]]
    assert names == ["a.test", "c.test"]
    assert other.execute(DOMAINS)["domains"]["totalCount"] == 1


def test_reseller_manages_its_own_domains(reseller, domains):
    document = 'mutation { setDomainStatus(input: {name: "$name", status: DISABLED})'
    document += " { domain { status } errors { code } } }"

    own = reseller.execute(Template(document).substitute(name="a.test"))
    other = reseller.execute(Template(document).substitute(name="b.test"))

    assert own["setDomainStatus"]["domain"] == {"status": "DISABLED"}
    assert other["setDomainStatus"]["errors"] == [{"code": "DOMAIN_NOT_FOUND"}]


def test_domain_deleted_elsewhere_leaves_key_scoped(client, runtime, domains, admin):
    key = client.as_token(_key_secret(runtime, ["a.test"]))
    admin.execute(
        'mutation { deleteDomain(input: {name: "a.test"}) { errors { code } } }'
    )

    data = key.execute(DOMAINS)["domains"]

    assert data["totalCount"] == 0


@pytest.mark.parametrize(
    ("field", "column", "expected"),
    [
        ("exportDomainsCsv", "name", ["a.test"]),
        ("exportUsersCsv", "email", ["boss@a.test"]),
    ],
    ids=["domains", "users"],
)
def test_reseller_exports_hold_only_its_domains(
    runtime, client, domains, reseller, field, column, expected
):
    payload = reseller.execute(EXPORT.format(field=field))[field]
    job_id = int(payload["job"]["id"])

    job = wait_for_job(runtime, job_id)
    response = client.http.get(
        f"/downloads/{job_id}", headers={"Authorization": f"Bearer {reseller.token}"}
    )

    assert job.state == "succeeded"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[column] for row in rows] == expected


def test_reseller_jobs_are_its_own(runtime, client, domains, reseller, admin):
    reseller.execute(EXPORT.format(field="exportDomainsCsv"))
    admin.execute(EXPORT.format(field="exportUsersCsv"))
    other = client.as_token(_key_secret(runtime, ["b.test"]))

    mine = reseller.execute("query { jobs { nodes { kind } } }")["jobs"]["nodes"]
    theirs = other.execute("query { jobs { totalCount } }")["jobs"]["totalCount"]

    assert mine == [{"kind": "export_domains"}]
    assert theirs == 0


def test_logout_with_a_key_is_refused_clearly(runtime, client):
    secret = _key_secret(runtime, None)

    payload = client.as_token(secret).execute(
        "mutation { logout { ok errors { code } } }"
    )["logout"]

    assert payload == {"ok": False, "errors": [{"code": "NOT_A_SESSION"}]}
