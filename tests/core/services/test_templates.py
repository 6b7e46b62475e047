"""The defaults templates: reading, changing, variables and plugin sections."""

import pytest

from core.db import session_scope
from core.errors import InvalidInput, InvalidInputs
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import DomainCreate, create_domain
from core.services.templates import (
    read_domain_template,
    read_template_settings,
    template_sections,
    update_domain_template,
    update_user_template,
    user_template,
)
from tests.core.schema.templates import fake_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)


@pytest.fixture
def plugin_runtime(runtime, config):
    """The same database, with the fake plugin's sections registered."""
    loaded = build_runtime(config, plugin_modules=[fake_plugin])
    yield loaded
    loaded.engine.dispose()


def make_domain(runtime, name: str):
    with session_scope(runtime.engine) as session:
        data = DomainCreate(
            name=name, admin_username="boss", admin_password="pw-123456"
        )
        return create_domain(session, runtime, data)


def change_domain_template(runtime, *, hostname=None, settings=None):
    with session_scope(runtime.engine) as session:
        return update_domain_template(
            session, runtime, ADMIN, hostname=hostname, settings=settings
        )


def test_domain_template_starts_from_registry_defaults(runtime):
    with session_scope(runtime.engine) as session:
        template = read_domain_template(session, runtime)

    assert template.hostname == "mail.%domain%"
    assert template.settings == runtime.registry.defaults("domain")


def test_template_change_leaves_existing_domains_alone(runtime):
    old = make_domain(runtime, "old.test")

    change_domain_template(runtime, settings={"limits": {"disk_space_mb": 2000}})
    new = make_domain(runtime, "new.test")

    assert old.settings["limits"]["disk_space_mb"] == 500
    assert new.settings["limits"]["disk_space_mb"] == 2000
    with session_scope(runtime.engine) as session:
        template = read_domain_template(session, runtime)
    assert template.settings["limits"]["users"] == 100


def test_new_domain_gets_hostname_and_variables_expanded(runtime):
    change_domain_template(
        runtime,
        hostname="mx.%domain%",
        settings={"misc": {"logout_url": "https://%domain%/bye"}},
    )

    domain = make_domain(runtime, "a.test")

    assert domain.hostname == "mx.a.test"
    assert domain.settings["misc"]["logout_url"] == "https://a.test/bye"


def test_template_keeps_variable_in_stored_values(runtime):
    template = change_domain_template(
        runtime,
        settings={
            "email": {
                "inbound_delivery": "external_host",
                "inbound_host": "in.%domain%",
            }
        },
    )

    assert template.settings["email"]["inbound_host"] == "in.%domain%"
    sections = template_sections(runtime, "domain", template.settings)
    assert sections["email"].inbound_host == "in.%domain%"


def test_template_rejects_bad_values_and_keeps_old(runtime):
    with pytest.raises(InvalidInputs) as caught:
        change_domain_template(
            runtime,
            settings={"limits": {"disk_space_mb": 0}, "misc": {"logout_url": "x"}},
        )

    fields = sorted(error.field for error in caught.value.errors)
    assert fields == ["settings.limits.diskSpaceMb", "settings.misc.logoutUrl"]
    with session_scope(runtime.engine) as session:
        assert (
            read_domain_template(session, runtime).settings["limits"]
            == (runtime.registry.defaults("domain")["limits"])
        )


def test_template_rejects_bad_hostname_pattern(runtime):
    with pytest.raises(InvalidInput) as caught:
        change_domain_template(runtime, hostname="mail..%domain%")

    assert (caught.value.field, caught.value.code) == ("hostname", "INVALID_DOMAIN")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hostname": "mx.Domain-Variable.invalid"}, "hostname"),
        ({"hostname": "mx.domain-variable\u3002invalid"}, "hostname"),
        (
            {"settings": {"misc": {"logout_url": "https://domain-variable.invalid/"}}},
            "settings.misc.logoutUrl",
        ),
        (
            {
                "settings": {
                    "email": {"inbound_host": "mx.\uff44omain-variable.invalid"}
                }
            },
            "settings.email.inboundHost",
        ),
    ],
    ids=["hostname", "hostname-look-alike", "setting", "setting-look-alike"],
)
def test_template_refuses_the_stand_in_name(runtime, change, field):
    with pytest.raises(InvalidInputs) as caught:
        change_domain_template(runtime, **change)

    assert [(e.field, e.code) for e in caught.value.errors] == [
        (field, "RESERVED_NAME")
    ]


def test_template_refuses_gateway_the_server_lacks(runtime):
    with pytest.raises(InvalidInputs) as caught:
        change_domain_template(
            runtime, settings={"options": {"outgoing_gateway": "gw.%domain%"}}
        )

    assert [e.code for e in caught.value.errors] == ["NOT_A_SERVER_CHOICE"]


def test_plugin_sections_appear_in_both_templates(plugin_runtime):
    with session_scope(plugin_runtime.engine) as session:
        domain = read_domain_template(session, plugin_runtime)
        user = read_template_settings(session, plugin_runtime, "user")

    assert domain.settings["fakeSync"] == {"accounts": 1, "server": "sync.example.net"}
    assert user["fakeSync"] == {"enabled": False, "label": ""}
    assert set(user) == {spec.name for spec in plugin_runtime.registry.sections("user")}


def test_template_keeps_sections_of_disabled_plugin(runtime, plugin_runtime):
    change_domain_template(plugin_runtime, settings={"fakeSync": {"accounts": 5}})

    change_domain_template(runtime, settings={"limits": {"users": 7}})

    with session_scope(plugin_runtime.engine) as session:
        template = read_domain_template(session, plugin_runtime)
    assert template.settings["fakeSync"]["accounts"] == 5
    assert template.settings["limits"]["users"] == 7


def test_user_template_expands_variable_for_new_user(plugin_runtime):
    with session_scope(plugin_runtime.engine) as session:
        update_user_template(
            session,
            plugin_runtime,
            ADMIN,
            {"fakeSync": {"label": "%domain% phone"}},
        )
    with session_scope(plugin_runtime.engine) as session:
        stored = user_template(session, plugin_runtime)
        expanded = user_template(session, plugin_runtime, "a.test")

    assert stored["fakeSync"]["label"] == "%domain% phone"
    assert expanded["fakeSync"]["label"] == "a.test phone"
