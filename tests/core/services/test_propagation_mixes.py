"""Propagated fields that must fit the rest of their section in each row."""

import json

import pytest
from sqlalchemy import text

from core.db import session_scope
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import DomainCreate, create_domain, update_domain
from core.services.propagation import propagate_domain_defaults, propagate_user_defaults
from core.services.propagation_mixes import is_coupled, spans_fields
from core.services.templates import update_domain_template, update_user_template
from core.services.users import add_user
from core.settings.domain.email import EmailSettings
from core.settings.domain.limits import LimitsSettings
from core.settings.domain.misc import MiscSettings
from tests.core.services import coupled_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)


@pytest.fixture
def domains(runtime) -> dict[str, int]:
    """a.test with a logout URL of its own, b.test and c.test without."""
    ids = {}
    with session_scope(runtime.engine) as session:
        for name in ("a.test", "b.test", "c.test"):
            domain = create_domain(
                session, runtime, DomainCreate(name, "boss", "pw-123456")
            )
            ids[name] = domain.id
        a = session.get(type(domain), ids["a.test"])
        update_domain(
            session,
            runtime,
            ADMIN,
            a,
            hostname=None,
            settings={"misc": {"logout_url": "https://a.test/own"}},
        )
    return ids


def set_domain_template(runtime, **sections) -> None:
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session, runtime, ADMIN, hostname=None, settings=sections
        )


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_domain_defaults(session, runtime, paths, **kwargs)


def stored_section(runtime, section: str) -> dict[str, dict]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(text("SELECT name, settings FROM domain")).all()
    documents = {n: s if isinstance(s, dict) else json.loads(s) for n, s in rows}
    return {name: document.get(section, {}) for name, document in documents.items()}


def test_field_breaking_section_rule_refuses_domain(runtime, domains):
    # Given a template turning the logout URL on, with its own URL
    set_domain_template(
        runtime,
        misc={"logout_url_enabled": True, "logout_url": "https://%domain%/bye"},
    )

    # When only the switch is propagated
    preview = propagate(runtime, ["misc.logoutUrlEnabled"], dry_run=True)
    outcome = propagate(runtime, ["misc.logoutUrlEnabled"])

    # Then domains without a URL of their own are refused and unchanged
    misc = stored_section(runtime, "misc")
    refused = [(r.domain, r.plugin) for r in outcome.refused]
    assert refused == [("b.test", "core"), ("c.test", "core")]
    assert [(r.domain, r.plugin) for r in preview.refused] == refused
    assert "logoutUrl" in outcome.refused[0].message
    assert outcome.changed == 1 == preview.page.changing
    assert misc["a.test"]["logout_url_enabled"] is True
    assert misc["b.test"].get("logout_url_enabled", False) is False


def test_fields_propagated_together_fit_every_domain(runtime, domains):
    set_domain_template(
        runtime,
        misc={"logout_url_enabled": True, "logout_url": "https://%domain%/bye"},
    )

    outcome = propagate(runtime, ["misc.logoutUrlEnabled", "misc.logoutUrl"])

    assert (outcome.changed, outcome.refused) == (3, [])
    assert stored_section(runtime, "misc")["b.test"]["logout_url"] == (
        "https://b.test/bye"
    )


def test_model_rule_refuses_external_delivery_without_host(runtime, domains):
    set_domain_template(
        runtime, email={"inbound_delivery": "external_host", "inbound_host": "mx.x"}
    )

    outcome = propagate(runtime, ["email.inboundDelivery"])

    assert outcome.changed == 0
    assert sorted(r.domain for r in outcome.refused) == list(domains)
    assert all(
        section.get("inbound_delivery", "local") == "local"
        for section in stored_section(runtime, "email").values()
    )


def test_field_in_section_without_spanning_rules_is_unchecked(runtime, domains):
    set_domain_template(runtime, limits={"disk_space_mb": 1234})

    outcome = propagate(runtime, ["limits.diskSpaceMb"])

    assert (outcome.changed, outcome.refused) == (3, [])


def test_stored_mix_breaking_rule_reads_leniently(runtime, domains):
    # Given a stored section that breaks a rule spanning its fields
    with session_scope(runtime.engine) as session:
        session.execute(
            text("UPDATE domain SET settings = :doc WHERE name = 'b.test'"),
            {"doc": json.dumps({"email": {"inbound_delivery": "external_host"}})},
        )

    # When it is read, then the value breaking the rule falls back
    with session_scope(runtime.engine, write=False) as session:
        stored = session.execute(
            text("SELECT settings FROM domain WHERE name = 'b.test'")
        ).scalar_one()
    document = stored if isinstance(stored, dict) else json.loads(stored)
    email = runtime.registry.read("domain", document, "email")
    assert email.inbound_delivery.value == "local"


@pytest.mark.parametrize(
    ("model", "spans"),
    [(LimitsSettings, False), (MiscSettings, True), (EmailSettings, True)],
    ids=["limits", "misc", "email"],
)
def test_spanning_rules_are_found_on_models(model, spans):
    assert spans_fields(model) is spans


@pytest.mark.parametrize(
    ("model", "field", "coupled"),
    [
        (MiscSettings, "logout_url_enabled", True),
        (MiscSettings, "logout_url", True),
        (MiscSettings, "calendar_auto_clean_months", False),
        (EmailSettings, "disable_greylisting", True),
        (LimitsSettings, "disk_space_mb", False),
    ],
    ids=["before-validated", "validated", "after-validated", "model-rule", "none"],
)
def test_fields_judged_together_are_found(model, field, coupled):
    assert is_coupled(model, field) is coupled


@pytest.fixture
def relay_runtime(runtime, config):
    loaded = build_runtime(config, plugin_modules=[coupled_plugin])
    yield loaded
    loaded.engine.dispose()


def test_user_field_breaking_rule_refuses_its_domain(relay_runtime):
    # Given a.test whose users relay to a host, and b.test whose users don't
    with session_scope(relay_runtime.engine) as session:
        for name in ("a.test", "b.test"):
            domain = create_domain(
                session, relay_runtime, DomainCreate(name, "boss", "pw-123456")
            )
            add_user(
                session,
                domain,
                "u1",
                None,
                user_limit=100,
                password_hash="x",
                settings={},
            )
        session.execute(
            text(
                'UPDATE "user" SET settings = :doc WHERE domain_id = '
                "(SELECT id FROM domain WHERE name = 'a.test')"
            ),
            {"doc": json.dumps({"relay": {"host": "relay.a.test"}})},
        )
        update_user_template(
            session, relay_runtime, ADMIN, {"relay": {"enabled": True, "host": "h"}}
        )

    # When only the switch is propagated to users
    with session_scope(relay_runtime.engine) as session:
        outcome = propagate_user_defaults(session, relay_runtime, ["relay.enabled"])

    # Then b.test is refused whole, and both users of a.test change
    assert [(r.domain, r.plugin) for r in outcome.refused] == [("b.test", "core")]
    assert outcome.changed == 2


def test_error_a_domain_already_has_refuses_nothing(runtime, domains):
    # Given b.test stored with external delivery and no host (outside the API)
    with session_scope(runtime.engine) as session:
        session.execute(
            text("UPDATE domain SET settings = :doc WHERE name = 'b.test'"),
            {"doc": json.dumps({"email": {"inbound_delivery": "external_host"}})},
        )
    set_domain_template(runtime, email={"disable_greylisting": True})

    # When a field the same rule judges is propagated
    outcome = propagate(runtime, ["email.disableGreylisting"])

    # Then the error b.test already had refuses nothing
    assert (outcome.changed, outcome.refused) == (3, [])
    assert stored_section(runtime, "email")["b.test"]["disable_greylisting"] is True


def test_dry_run_previews_what_a_broken_stored_section_will_read(runtime, domains):
    # Given b.test stored with delivery to an external host but none named
    # (outside the API), so its delivery reads as LOCAL
    with session_scope(runtime.engine) as session:
        session.execute(
            text("UPDATE domain SET settings = :doc WHERE name = 'b.test'"),
            {"doc": json.dumps({"email": {"inbound_delivery": "external_host"}})},
        )
    set_domain_template(
        runtime, email={"inbound_delivery": "external_host", "inbound_host": "mx.x"}
    )
    paths = ["email.inboundDelivery"]

    # When the delivery alone is previewed, then propagated
    preview = propagate(runtime, paths, dry_run=True)
    outcome = propagate(runtime, paths)

    # Then b.test previews as it will read (still local, nothing changing),
    # and the real run agrees: the stored value was already the template's
    [b_test] = [row for row in preview.preview if row.domain == "b.test"]
    [setting] = b_test.settings
    assert (setting.before, setting.after, setting.changes) == ("local", "local", False)
    assert "b.test" not in {r.domain for r in outcome.refused}
    read = runtime.registry.read(
        "domain", {"email": stored_section(runtime, "email")["b.test"]}, "email"
    )
    assert read.inbound_delivery.value == "local"
