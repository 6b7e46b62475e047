"""updateDomain: partial settings patches, validated whole, saved whole or not."""

import pytest

from core.db import session_scope
from core.errors import InvalidInput
from core.principal import Principal, Role
from core.services.domains import require_domain, update_domain
from tests.core.schema.domains.conftest import UPDATE, update_domain_settings
from tests.graphql_client import error_codes


def test_update_domain_changes_only_given_fields(admin, domain):
    payload = update_domain_settings(
        admin, {"limits": {"users": 7}, "features": {"fileStorage": False}}
    )

    assert payload["errors"] == []
    settings = payload["domain"]["settings"]
    assert settings["limits"] == {"users": 7, "diskSpaceMb": 500}
    assert settings["features"] == {"chat": False, "fileStorage": False}


def test_update_domain_clears_nullable_field(admin, domain):
    update_domain_settings(admin, {"misc": {"logoutUrl": "https://example.com/bye"}})

    payload = update_domain_settings(admin, {"misc": {"logoutUrl": None}})

    assert payload["errors"] == []
    assert payload["domain"]["settings"]["misc"]["logoutUrl"] is None


def test_update_domain_expands_hostname_variable(admin, domain):
    payload = update_domain_settings(admin, hostname="smtp.%domain%")

    assert payload["domain"]["hostname"] == "smtp.example.com"


def test_update_domain_sets_external_host_delivery(admin, domain):
    email = {"inboundDelivery": "EXTERNAL_HOST", "inboundHost": "MX.Example.NET"}

    payload = update_domain_settings(admin, {"email": email})

    assert payload["errors"] == []
    assert payload["domain"]["settings"]["email"]["inboundHost"] == "mx.example.net"


INVALID_PATCHES = [
    pytest.param({"limits": {"users": -1}}, "settings.limits.users", id="users"),
    pytest.param(
        {"limits": {"diskSpaceMb": 0}}, "settings.limits.diskSpaceMb", id="disk"
    ),
    pytest.param(
        {"limits": {"maxMessageSizeKb": 0}},
        "settings.limits.maxMessageSizeKb",
        id="message-size",
    ),
    pytest.param(
        {"limits": {"recipientsPerMessage": 0}},
        "settings.limits.recipientsPerMessage",
        id="recipients",
    ),
    pytest.param(
        {"limits": {"userAliases": -5}}, "settings.limits.userAliases", id="aliases"
    ),
    pytest.param(
        {"limits": {"domainAliases": -1}},
        "settings.limits.domainAliases",
        id="domain-aliases",
    ),
    pytest.param({"limits": {"users": None}}, "settings.limits.users", id="null"),
    pytest.param(
        {"email": {"inboundDelivery": "EXTERNAL_HOST"}},
        "settings.email.inboundHost",
        id="external-without-host",
    ),
    pytest.param(
        {"email": {"inboundHost": "not a host!"}},
        "settings.email.inboundHost",
        id="bad-host",
    ),
    pytest.param(
        {"misc": {"logoutUrl": "ftp://example.com"}},
        "settings.misc.logoutUrl",
        id="logout-url",
    ),
    pytest.param(
        {"misc": {"calendarAutoCleanMonths": 121}},
        "settings.misc.calendarAutoCleanMonths",
        id="calendar",
    ),
    pytest.param(
        {"throttling": {"outgoingMessagesPerHour": -1}},
        "settings.throttling.outgoingMessagesPerHour",
        id="messages-per-hour",
    ),
    pytest.param(
        {"throttling": {"bouncesPerHour": -1}},
        "settings.throttling.bouncesPerHour",
        id="bounces-per-hour",
    ),
]


@pytest.mark.parametrize(("settings", "field"), INVALID_PATCHES)
def test_update_domain_rejects_invalid_values(admin, domain, snapshot, settings, field):
    before = snapshot()

    payload = update_domain_settings(
        admin, {**settings, "features": {"fileStorage": False}}
    )

    assert error_codes(payload) == ["INVALID"]
    assert payload["errors"][0]["field"] == field
    assert snapshot() == before


def test_update_domain_reports_every_bad_field(admin, domain, snapshot):
    before = snapshot()

    payload = update_domain_settings(
        admin,
        {"limits": {"users": -1, "diskSpaceMb": 0}, "misc": {"logoutUrl": "x"}},
    )

    assert sorted(error["field"] for error in payload["errors"]) == [
        "settings.limits.diskSpaceMb",
        "settings.limits.users",
        "settings.misc.logoutUrl",
    ]
    assert snapshot() == before


def test_update_domain_rejects_bad_hostname(admin, domain, snapshot):
    before = snapshot()

    payload = update_domain_settings(
        admin, {"limits": {"users": 5}}, hostname="bad host"
    )

    assert error_codes(payload) == ["INVALID_DOMAIN"]
    assert snapshot() == before


def test_update_domain_rejects_unknown_domain(admin, domain, snapshot):
    before = snapshot()

    payload = admin.mutate(UPDATE, {"name": "nowhere.com", "settings": {}})

    assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]
    assert snapshot() == before


def test_update_domain_refuses_unknown_field_in_schema(admin, domain, snapshot):
    before = snapshot()

    body = admin.raw(
        UPDATE,
        {"input": {"name": "example.com", "settings": {"limits": {"mailboxes": 1}}}},
    )

    assert body["data"] is None
    assert "mailboxes" in body["errors"][0]["message"]
    assert snapshot() == before


def test_update_domain_refuses_wrong_type(admin, domain, snapshot):
    before = snapshot()

    body = admin.raw(
        UPDATE,
        {"input": {"name": "example.com", "settings": {"features": {"chat": "yes"}}}},
    )

    assert body["data"] is None
    assert snapshot() == before


def test_update_domain_service_rejects_unknown_section(runtime, domain):
    principal = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=1)

    with (
        pytest.raises(InvalidInput) as caught,
        session_scope(runtime.engine) as session,
    ):
        target = require_domain(session, principal, "example.com")
        update_domain(
            session,
            runtime,
            principal,
            target,
            hostname=None,
            settings={"mailboxes": {"count": 1}},
        )

    assert caught.value.code == "UNKNOWN_SETTING"
    assert caught.value.field == "settings.mailboxes"
