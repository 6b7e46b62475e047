"""Propagating domain defaults by paths into nested models (autodiscover.imap)."""

import json

import pytest
from sqlalchemy import event, text
from sqlmodel import select

import plugins.autodiscover
from core.db import session_scope
from core.errors import InvalidInputs
from core.models import Domain
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import DomainCreate, create_domain
from core.services.propagation import propagate_domain_defaults
from core.services.templates import update_domain_template
from tests.core.services import nested_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
NAMES = ["a.test", "b.test", "c.test"]
CUSTOM_IMAP = {"offered": False, "port": 1143, "encryption": "starttls"}
CUSTOM_POP = {"offered": False, "port": 1110, "encryption": "none"}
UNKNOWN = [
    "autodiscover.imap.nope",
    "autodiscover.imap.port.x",
    "limits.users.x",
    "fakeRelay.primary.host.x",
]


@pytest.fixture
def nested_runtime(runtime, config):
    loaded = build_runtime(config, plugin_modules=[plugins.autodiscover, nested_plugin])
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def domains(nested_runtime) -> None:
    """Three domains whose IMAP and POP announcements differ from the defaults."""
    with session_scope(nested_runtime.engine) as session:
        for name in NAMES:
            create_domain(
                session, nested_runtime, DomainCreate(name, "boss", "pw-123456")
            )
    patch_domains(nested_runtime, {"imap": CUSTOM_IMAP, "pop": CUSTOM_POP})


def patch_domains(runtime, autodiscover: dict) -> None:
    with session_scope(runtime.engine) as session:
        for domain in session.exec(select(Domain)):
            domain.settings = runtime.registry.apply_patch(
                "domain",
                domain.settings,
                {"autodiscover": autodiscover},
                prefix="settings",
            )


def set_template(runtime, **sections) -> None:
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session, runtime, ADMIN, hostname=None, settings=sections
        )


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_domain_defaults(session, runtime, paths, **kwargs)


def stored_settings(runtime) -> dict[str, dict]:
    """Each domain's settings document exactly as stored."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(text("SELECT name, settings FROM domain")).all()
    return {name: s if isinstance(s, dict) else json.loads(s) for name, s in rows}


def read_section(runtime, name: str, section: str) -> dict:
    stored = stored_settings(runtime)[name]
    return runtime.registry.read("domain", stored, section).model_dump(mode="json")


def test_nested_field_keeps_its_siblings(nested_runtime, domains):
    set_template(nested_runtime, autodiscover={"imap": {"port": 10993}})

    result = propagate(nested_runtime, ["autodiscover.imap.port"])

    assert result.changed == len(NAMES)
    for name in NAMES:
        autodiscover = read_section(nested_runtime, name, "autodiscover")
        assert autodiscover["imap"] == {**CUSTOM_IMAP, "port": 10993}
        assert autodiscover["pop"] == CUSTOM_POP


def test_nested_object_replaces_only_that_object(nested_runtime, domains):
    set_template(
        nested_runtime,
        autodiscover={"imap": {"port": 143, "encryption": "none"}, "pop": {}},
    )

    result = propagate(nested_runtime, ["autodiscover.imap"])

    assert result.changed == len(NAMES)
    for name in NAMES:
        autodiscover = read_section(nested_runtime, name, "autodiscover")
        assert autodiscover["imap"] == {
            "offered": True,
            "port": 143,
            "encryption": "none",
        }
        assert autodiscover["pop"] == CUSTOM_POP


def test_nested_field_reaches_documents_lacking_it(nested_runtime, domains):
    with session_scope(nested_runtime.engine) as session:
        for domain in session.exec(select(Domain)):
            if domain.name == "a.test":
                domain.settings = {}
            elif domain.name == "b.test":
                domain.settings = {"autodiscover": {"desktop_override": True}}
    set_template(nested_runtime, autodiscover={"imap": {"port": 10993}})

    result = propagate(nested_runtime, ["autodiscover.imap.port"])

    assert result.changed == len(NAMES)
    stored = stored_settings(nested_runtime)
    assert stored["a.test"] == {"autodiscover": {"imap": {"port": 10993}}}
    assert stored["b.test"]["autodiscover"] == {
        "desktop_override": True,
        "imap": {"port": 10993},
    }
    for name in ("a.test", "b.test"):
        autodiscover = read_section(nested_runtime, name, "autodiscover")
        assert autodiscover["imap"] == {
            "offered": True,
            "port": 10993,
            "encryption": "ssl_tls",
        }
        assert autodiscover["pop"]["port"] == 995
    assert read_section(nested_runtime, "b.test", "autodiscover")["desktop_override"]


def test_nested_null_reaches_any_document(nested_runtime, domains):
    documents = {
        "a.test": {},
        "b.test": {"fakeRelay": {"primary": None}},
        "c.test": {"fakeRelay": {"primary": {"note": "old", "port": 26}}},
    }
    with session_scope(nested_runtime.engine) as session:
        for domain in session.exec(select(Domain)):
            domain.settings = documents[domain.name]

    result = propagate(nested_runtime, ["fakeRelay.primary.note"])

    assert result.changed == len(NAMES)
    stored = stored_settings(nested_runtime)
    assert stored["a.test"]["fakeRelay"] == {"primary": {"note": None}}
    assert stored["b.test"]["fakeRelay"] == {"primary": {"note": None}}
    assert stored["c.test"]["fakeRelay"] == {"primary": {"note": None, "port": 26}}


def test_nested_object_expands_domain_variable(nested_runtime, domains):
    set_template(nested_runtime, fakeRelay={"backup": {"host": "bk.%domain%"}})

    propagate(nested_runtime, ["fakeRelay.backup", "fakeRelay.primary.host"])

    for name in NAMES:
        relay = read_section(nested_runtime, name, "fakeRelay")
        assert relay["backup"] == {"host": f"bk.{name}", "port": 2525, "note": None}
        assert relay["primary"]["host"] == "relay.example.net"


def test_nested_field_expands_domain_variable(nested_runtime, domains):
    set_template(nested_runtime, fakeRelay={"primary": {"host": "mx.%domain%"}})

    propagate(nested_runtime, ["fakeRelay.primary.host"])

    for name in NAMES:
        relay = read_section(nested_runtime, name, "fakeRelay")
        assert relay["primary"]["host"] == f"mx.{name}"


def test_field_inside_chosen_object_is_dropped(nested_runtime, domains):
    set_template(nested_runtime, autodiscover={"imap": {"port": 143}})

    result = propagate(
        nested_runtime,
        ["autodiscover.imap.port", "autodiscover.imap", "autodiscover.pop.port"],
        dry_run=True,
    )

    paths = [s.path for s in result.preview[0].settings]
    assert paths == ["autodiscover.imap", "autodiscover.pop.port"]


def test_second_nested_propagation_changes_nothing(nested_runtime, domains):
    set_template(nested_runtime, autodiscover={"imap": {"port": 143}})
    paths = ["autodiscover.imap", "autodiscover.pop.port", "fakeRelay.backup.note"]
    propagate(nested_runtime, paths)

    again = propagate(nested_runtime, [*paths, "autodiscover.imap.port"])

    assert again.changed == 0


def test_nested_propagation_runs_as_one_update(nested_runtime, domains):
    set_template(nested_runtime, autodiscover={"imap": {"port": 143}})
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    event.listen(nested_runtime.engine, "before_cursor_execute", record)
    try:
        result = propagate(
            nested_runtime,
            [
                "autodiscover.imap.port",
                "autodiscover.pop",
                "autodiscover.desktopXml",
                "fakeRelay.primary",
                "fakeRelay.backup.note",
                "limits.diskSpaceMb",
            ],
        )
    finally:
        event.remove(nested_runtime.engine, "before_cursor_execute", record)

    assert result.changed == len(NAMES)
    assert statements.count("UPDATE") == 1
    autodiscover = read_section(nested_runtime, "a.test", "autodiscover")
    assert autodiscover["imap"] == {**CUSTOM_IMAP, "port": 143}
    assert autodiscover["pop"]["port"] == 995


def test_nested_dry_run_previews_and_changes_nothing(nested_runtime, domains):
    set_template(nested_runtime, autodiscover={"imap": {"port": 143}})
    before = stored_settings(nested_runtime)

    result = propagate(
        nested_runtime, ["autodiscover.imap.port", "autodiscover.pop"], dry_run=True
    )

    assert result.changed == 0
    assert [p.domain for p in result.preview] == NAMES
    first = {s.path: (s.before, s.after, s.changes) for s in result.preview[0].settings}
    assert first == {
        "autodiscover.imap.port": (1143, 143, True),
        "autodiscover.pop": (
            CUSTOM_POP,
            {"offered": True, "port": 995, "encryption": "ssl_tls"},
            True,
        ),
    }
    assert stored_settings(nested_runtime) == before


@pytest.mark.parametrize("path", UNKNOWN, ids=UNKNOWN)
def test_unknown_nested_path_changes_nothing(nested_runtime, domains, path):
    set_template(nested_runtime, autodiscover={"imap": {"port": 143}})
    before = stored_settings(nested_runtime)

    with pytest.raises(InvalidInputs) as caught:
        propagate(nested_runtime, ["autodiscover.imap.port", path])

    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("settings.1", "UNKNOWN_SETTING")
    ]
    assert stored_settings(nested_runtime) == before
