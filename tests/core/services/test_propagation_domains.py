"""Propagating the domain template to existing domains, in SQL."""

import json

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from core.db import session_scope
from core.errors import InvalidInputs
from core.models import Domain
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import DomainCreate, create_domain
from core.services.propagation import propagate_domain_defaults
from core.services.server_settings import update_server_settings
from core.services.templates import read_domain_template, update_domain_template
from tests.core.schema.templates import fake_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
NAMES = ["a.test", "b.test", "c.test"]

# One field of every core section, with a value unlike its default.
SECTION_FIELDS = [
    ("options", "outgoing_gateway", "outgoingGateway", "gw.example.net"),
    ("limits", "disk_space_mb", "diskSpaceMb", 2000),
    ("email", "autoresponder_exclusions", "autoresponderExclusions", "high"),
    ("security", "tls", "tls", "enabled"),
    ("misc", "calendar_auto_clean_months", "calendarAutoCleanMonths", 6),
    ("throttling", "message_action", "messageAction", "reject"),
    ("features", "domain_chat_history", "domainChatHistory", True),
]


@pytest.fixture
def domains(runtime) -> list[int]:
    with session_scope(runtime.engine) as session:
        update_server_settings(session, {"outgoing_gateways": ["gw.example.net"]})
        created = [
            create_domain(session, runtime, DomainCreate(n, "boss", "pw-123456"))
            for n in NAMES
        ]
        return [domain.id for domain in created]


@pytest.fixture
def plugin_runtime(runtime, config):
    loaded = build_runtime(config, plugin_modules=[fake_plugin])
    yield loaded
    loaded.engine.dispose()


def set_template(runtime, *, hostname=None, **sections):
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session, runtime, ADMIN, hostname=hostname, settings=sections
        )


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_domain_defaults(session, runtime, paths, **kwargs)


def stored_settings(runtime) -> dict[str, dict]:
    """Each domain's settings document exactly as stored."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(text("SELECT name, settings FROM domain")).all()
    return {name: _decode(stored) for name, stored in rows}


def _decode(stored) -> dict:
    return stored if isinstance(stored, dict) else json.loads(stored)


def read_section(runtime, name: str, section: str):
    return runtime.registry.read("domain", stored_settings(runtime)[name], section)


@pytest.mark.parametrize(
    ("section", "field", "camel", "value"),
    SECTION_FIELDS,
    ids=[item[0] for item in SECTION_FIELDS],
)
def test_field_propagation_reaches_every_domain(
    runtime, domains, section, field, camel, value
):
    set_template(runtime, **{section: {field: value}})

    result = propagate(runtime, [f"{section}.{camel}"])

    assert result.changed == len(NAMES)
    for name in NAMES:
        read = read_section(runtime, name, section).model_dump(mode="json")
        assert read[field] == value


@pytest.mark.parametrize(
    ("section", "field", "camel", "value"),
    SECTION_FIELDS,
    ids=[item[0] for item in SECTION_FIELDS],
)
def test_section_propagation_copies_whole_section(
    runtime, domains, section, field, camel, value
):
    set_template(runtime, **{section: {field: value}})

    propagate(runtime, [section])

    with session_scope(runtime.engine) as session:
        expected = read_domain_template(session, runtime).settings[section]
    for stored in stored_settings(runtime).values():
        assert stored[section] == expected


def test_propagation_creates_section_a_domain_lacks(runtime, domains):
    with session_scope(runtime.engine) as session:
        session.execute(text("UPDATE domain SET settings = '{}' WHERE name = 'a.test'"))
    set_template(runtime, limits={"disk_space_mb": 2000})

    propagate(runtime, ["limits.diskSpaceMb"])

    assert stored_settings(runtime)["a.test"] == {"limits": {"disk_space_mb": 2000}}
    limits = read_section(runtime, "a.test", "limits")
    assert (limits.disk_space_mb, limits.users) == (2000, 100)


def test_propagation_expands_domain_variable_per_domain(runtime, domains):
    set_template(
        runtime, hostname="mx.%domain%", misc={"logout_url": "https://%domain%/bye"}
    )

    result = propagate(runtime, ["hostname", "misc.logoutUrl"])

    assert result.changed == len(NAMES)
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(text("SELECT name, hostname FROM domain")).all()
    assert {name: host for name, host in rows} == {n: f"mx.{n}" for n in NAMES}
    for name in NAMES:
        assert read_section(runtime, name, "misc").logout_url == f"https://{name}/bye"


def test_unknown_path_fails_and_changes_nothing(runtime, domains):
    set_template(runtime, limits={"disk_space_mb": 2000})
    before = stored_settings(runtime)

    with pytest.raises(InvalidInputs) as caught:
        propagate(runtime, ["limits.diskSpaceMb", "limits.nope", "nosuch"])

    errors = [(e.field, e.code) for e in caught.value.errors]
    assert errors == [
        ("settings.1", "UNKNOWN_SETTING"),
        ("settings.2", "UNKNOWN_SETTING"),
    ]
    assert stored_settings(runtime) == before


def test_dry_run_reports_values_and_changes_nothing(runtime, domains):
    set_template(runtime, hostname="mx.%domain%", limits={"disk_space_mb": 2000})
    before = stored_settings(runtime)

    result = propagate(runtime, ["limits.diskSpaceMb", "hostname"], dry_run=True)

    assert result.changed == 0
    assert [p.domain for p in result.preview] == NAMES
    first = {s.path: (s.before, s.after, s.changes) for s in result.preview[0].settings}
    assert first == {
        "hostname": ("mail.a.test", "mx.a.test", True),
        "limits.diskSpaceMb": (500, 2000, True),
    }
    assert stored_settings(runtime) == before


def test_second_propagation_changes_no_domain(runtime, domains):
    set_template(runtime, throttling={"message_action": "reject"})
    propagate(runtime, ["throttling"])

    again = propagate(runtime, ["throttling", "throttling.messageAction"])

    assert again.changed == 0


def test_propagation_runs_as_one_update(runtime, domains):
    set_template(
        runtime, limits={"disk_space_mb": 2000}, features={"file_storage": False}
    )
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        propagate(runtime, ["limits.diskSpaceMb", "features", "hostname"])
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)

    assert statements.count("UPDATE") == 1
    assert len(statements) <= 4


def test_plugin_section_propagates_with_variables(plugin_runtime, domains):
    set_template(plugin_runtime, fakeSync={"server": "sync.%domain%", "accounts": 9})

    result = propagate(plugin_runtime, ["fakeSync"])

    assert result.changed == len(NAMES)
    for name in NAMES:
        section = read_section(plugin_runtime, name, "fakeSync")
        assert (section.server, section.accounts) == (f"sync.{name}", 9)


def test_null_value_propagates_into_any_document(runtime, domains):
    gateway = {"options": {"outgoing_gateway": "gw.example.net"}}
    with session_scope(runtime.engine) as session:
        for domain in session.exec(select(Domain)):
            domain.settings = gateway if domain.name == "a.test" else {}

    result = propagate(runtime, ["options.outgoingGateway"])

    assert result.changed == len(NAMES)
    for stored in stored_settings(runtime).values():
        assert stored["options"] == {"outgoing_gateway": None}


@pytest.mark.parametrize(
    ("months", "changing"), [(0, 0), (6, 1)], ids=["default", "other"]
)
def test_missing_value_compares_as_its_default(runtime, domains, months, changing):
    # Given b.test's stored misc section lacking the field (written long ago)
    with session_scope(runtime.engine) as session:
        domain = session.exec(select(Domain).where(Domain.name == "b.test")).one()
        misc = dict(domain.settings["misc"])
        del misc["calendar_auto_clean_months"]
        domain.settings = {**domain.settings, "misc": misc}
    set_template(runtime, misc={"calendar_auto_clean_months": months})
    path = ["misc.calendarAutoCleanMonths"]

    # When the template's value is propagated, first as a dry run
    preview = propagate(runtime, path, dry_run=True)
    outcome = propagate(runtime, path)

    # Then a value equal to the default changes nothing, in both runs alike
    changed_elsewhere = 0 if months == 0 else len(NAMES) - 1
    assert preview.page.changing == outcome.changed == changing + changed_elsewhere
