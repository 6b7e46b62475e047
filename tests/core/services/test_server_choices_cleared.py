"""A gateway or address taken off the server's lists leaves every domain."""

import json
import logging

import pytest
from sqlalchemy import text

from core.db import session_scope
from core.principal import Principal, Role
from core.services.domains import DomainCreate, create_domain
from core.services.propagation import propagate_domain_defaults
from core.services.server_settings import update_server_settings
from core.services.templates import read_domain_template, update_domain_template
from tests.plugin_support import add_domain

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)

SERVER = {
    "outgoing_gateways": ["gw1.example", "gw2.example"],
    "outbound_ipv4_addresses": ["192.0.2.1", "192.0.2.2"],
    "outbound_ipv6_addresses": ["2001:db8::1", "2001:db8::2"],
    "outbound_ipv6_enabled": True,
}

# (section, field, the server's list, the value taken off, the value kept)
CHOICES = [
    pytest.param(
        "options",
        "outgoing_gateway",
        "outgoing_gateways",
        "gw1.example",
        "gw2.example",
        id="gateway",
    ),
    pytest.param(
        "security",
        "outbound_ipv4",
        "outbound_ipv4_addresses",
        "192.0.2.1",
        "192.0.2.2",
        id="ipv4",
    ),
    pytest.param(
        "security",
        "outbound_ipv6",
        "outbound_ipv6_addresses",
        "2001:db8::1",
        "2001:db8::2",
        id="ipv6",
    ),
]


@pytest.fixture
def server(runtime) -> None:
    with session_scope(runtime.engine) as session:
        update_server_settings(session, SERVER)


def choose(runtime, section: str, field: str, removed: str, kept: str) -> None:
    """a.test and the template take ``removed``, b.test ``kept``, c.test none."""
    add_domain(runtime, "a.test", settings={section: {field: removed}})
    add_domain(runtime, "b.test", settings={section: {field: kept}})
    add_domain(runtime, "c.test")
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session, runtime, ADMIN, hostname=None, settings={section: {field: removed}}
        )


def change_server(runtime, **changes) -> None:
    with session_scope(runtime.engine) as session:
        update_server_settings(session, changes)


def stored_settings(runtime) -> dict[str, dict]:
    """Each domain's settings document exactly as stored."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(text("SELECT name, settings FROM domain")).all()
    return {name: _decode(stored) for name, stored in rows}


def _decode(stored) -> dict:
    return stored if isinstance(stored, dict) else json.loads(stored)


def template_value(runtime, section: str, field: str):
    with session_scope(runtime.engine, write=False) as session:
        return read_domain_template(session, runtime).settings[section][field]


@pytest.mark.parametrize(("section", "field", "listed", "removed", "kept"), CHOICES)
def test_removed_choice_leaves_template_and_domains(
    runtime, server, section, field, listed, removed, kept
):
    choose(runtime, section, field, removed, kept)
    before = stored_settings(runtime)

    change_server(runtime, **{listed: [kept]})

    after = stored_settings(runtime)
    assert template_value(runtime, section, field) is None
    assert after["a.test"][section][field] is None
    assert after["b.test"] == before["b.test"]
    assert after["c.test"] == before["c.test"]
    before["a.test"][section][field] = None
    assert after["a.test"] == before["a.test"]


def test_switching_ipv6_off_clears_every_ipv6_choice(runtime, server):
    choose(runtime, "security", "outbound_ipv6", "2001:db8::1", "2001:db8::2")

    change_server(runtime, outbound_ipv6_enabled=False)

    after = stored_settings(runtime)
    assert template_value(runtime, "security", "outbound_ipv6") is None
    assert after["a.test"]["security"]["outbound_ipv6"] is None
    assert after["b.test"]["security"]["outbound_ipv6"] is None


@pytest.mark.parametrize(("section", "field", "listed", "removed", "kept"), CHOICES)
def test_removing_nothing_changes_nothing(
    runtime, server, section, field, listed, removed, kept
):
    choose(runtime, section, field, removed, kept)
    before = stored_settings(runtime)

    change_server(runtime, **SERVER, two_step_available=False)

    assert stored_settings(runtime) == before
    assert template_value(runtime, section, field) == removed


@pytest.mark.parametrize(("section", "field", "listed", "removed", "kept"), CHOICES)
def test_domain_created_after_removal_gets_null(
    runtime, server, section, field, listed, removed, kept
):
    choose(runtime, section, field, removed, kept)

    change_server(runtime, **{listed: []})
    with session_scope(runtime.engine) as session:
        create_domain(session, runtime, DomainCreate("d.test", "boss", "pw-123456"))

    assert stored_settings(runtime)["d.test"][section][field] is None


def test_propagation_after_removal_spreads_null(runtime, server):
    choose(runtime, "options", "outgoing_gateway", "gw1.example", "gw2.example")
    change_server(runtime, outgoing_gateways=["gw2.example"])

    with session_scope(runtime.engine) as session:
        propagate_domain_defaults(session, runtime, ["options.outgoingGateway"])

    gateways = {
        name: settings["options"]["outgoing_gateway"]
        for name, settings in stored_settings(runtime).items()
    }
    assert gateways == {"a.test": None, "b.test": None, "c.test": None}


def test_removal_logs_how_many_domains_cleared(runtime, server, caplog):
    choose(runtime, "options", "outgoing_gateway", "gw1.example", "gw2.example")
    add_domain(
        runtime, "d.test", settings={"options": {"outgoing_gateway": "gw1.example"}}
    )

    with caplog.at_level(logging.INFO, logger="core.services.server_choices"):
        change_server(runtime, outgoing_gateways=[])

    logged = [r for r in caplog.records if r.name == "core.services.server_choices"]
    assert [record.getMessage() for record in logged] == [
        "Cleared options.outgoingGateway on 3 domains: the server no longer offers it."
    ]
