"""Domains and users made from templates whose values a name would break."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import InvalidInput, InvalidInputs
from core.models import Domain
from core.runtime import build_runtime
from core.services.domains import rename_domain, update_domain
from core.services.template_expansion import outgrows_probe
from core.services.templates import read_domain_template
from tests.core.schema.templates import fake_plugin
from tests.core.services.expansion_support import (
    ADMIN,
    GLUED_HOST,
    LABEL,
    LONG,
    MIDDLE,
    SHORT,
    SYNC_LABEL,
    TITLE,
    WIDE,
    add_user,
    count_domains,
    domains_by_name,
    make_domain,
    set_domain_template,
    set_user_template,
)


@pytest.fixture
def plugin_runtime(runtime, config):
    """The same database, with the fake plugin's sections registered."""
    loaded = build_runtime(config, plugin_modules=[fake_plugin])
    yield loaded
    loaded.engine.dispose()


def errors_of(caught) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in caught.value.errors]


@pytest.mark.parametrize(
    ("name", "outgrows"),
    [
        ("example.com", False),
        (SHORT, False),
        (WIDE, True),
        ("example.photography", True),
        ("b--c.test", True),
        (MIDDLE, True),
    ],
    ids=[
        "short",
        "short-labels",
        "long-first-label",
        "long-last-label",
        "hyphen-pair",
        "long",
    ],
)
def test_outgrows_probe_by_length_and_end_labels(name, outgrows):
    assert outgrows_probe(name) is outgrows


class TestDomainCreation:
    def test_long_name_breaking_hostname_is_refused(self, runtime):
        with pytest.raises(InvalidInput) as caught:
            make_domain(runtime, LONG)

        assert (caught.value.field, caught.value.code) == (
            "name",
            "TEMPLATE_VALUE_INVALID",
        )
        assert count_domains(runtime) == 0
        assert not list(runtime.config.data_dir.rglob(LONG))

    def test_own_hostname_lets_long_name_in(self, runtime):
        domain = make_domain(runtime, LONG, hostname="mx.example.net")

        assert (domain.name, domain.hostname) == (LONG, "mx.example.net")

    def test_given_hostname_pattern_too_long_is_refused(self, runtime):
        with pytest.raises(InvalidInput) as caught:
            make_domain(runtime, LONG, hostname="mx.%domain%")

        assert (caught.value.field, caught.value.code) == ("hostname", "INVALID_DOMAIN")

    def test_long_name_breaking_setting_is_refused(self, runtime):
        set_domain_template(runtime, settings=TITLE)

        with pytest.raises(InvalidInputs) as caught:
            make_domain(runtime, MIDDLE)

        assert errors_of(caught) == [("name", "TEMPLATE_VALUE_INVALID")]
        assert caught.value.code == "TEMPLATE_VALUE_INVALID"
        assert count_domains(runtime) == 0

    def test_short_name_expands_same_setting(self, runtime):
        set_domain_template(runtime, settings=TITLE)

        domain = make_domain(runtime, SHORT)

        title = domain.settings["loginDisplay"]["login_title"]
        assert title == f"Sign in to {SHORT}"

    def test_long_first_label_breaking_host_setting_is_refused(self, runtime):
        set_domain_template(runtime, settings={"email": {"inbound_host": GLUED_HOST}})

        with pytest.raises(InvalidInputs) as caught:
            make_domain(runtime, WIDE)

        assert errors_of(caught) == [("name", "TEMPLATE_VALUE_INVALID")]
        assert count_domains(runtime) == 0

    def test_long_name_breaking_user_template_refuses_domain(self, plugin_runtime):
        set_user_template(plugin_runtime, SYNC_LABEL)

        with pytest.raises(InvalidInputs) as caught:
            make_domain(plugin_runtime, LABEL)

        assert errors_of(caught) == [("name", "TEMPLATE_VALUE_INVALID")]
        assert count_domains(plugin_runtime) == 0


class TestUserCreation:
    @pytest.fixture
    def labelled(self, plugin_runtime):
        """A domain whose name breaks the user template's fakeSync.label."""
        make_domain(plugin_runtime, LABEL)
        set_user_template(plugin_runtime, SYNC_LABEL)
        return plugin_runtime

    def test_user_creation_names_the_broken_setting(self, labelled):
        with pytest.raises(InvalidInputs) as caught:
            add_user(labelled, f"ann@{LABEL}")

        assert errors_of(caught) == [
            ("settings.fakeSync.label", "TEMPLATE_VALUE_INVALID")
        ]

    def test_other_field_of_the_section_still_fails(self, labelled):
        with pytest.raises(InvalidInputs) as caught:
            add_user(labelled, f"ann@{LABEL}", {"fakeSync": {"enabled": False}})

        assert errors_of(caught) == [
            ("settings.fakeSync.label", "TEMPLATE_VALUE_INVALID")
        ]

    def test_user_given_own_value_is_created(self, labelled):
        user = add_user(labelled, f"ann@{LABEL}", {"fakeSync": {"label": "Ann"}})

        assert user.settings["fakeSync"]["label"] == "Ann"


class TestHostnames:
    def test_pattern_glued_to_letters_is_refused(self, runtime):
        with pytest.raises(InvalidInput) as caught:
            set_domain_template(runtime, hostname="mx%domain%")

        assert (caught.value.field, caught.value.code) == ("hostname", "INVALID_DOMAIN")

    def test_unicode_pattern_is_stored_encoded(self, runtime):
        set_domain_template(runtime, hostname="Почта.%domain%")

        domain = make_domain(runtime, SHORT)

        with session_scope(runtime.engine, write=False) as session:
            template = read_domain_template(session, runtime)
        assert template.hostname == "xn--80a1acny.%domain%"
        assert domain.hostname == f"xn--80a1acny.{SHORT}"

    def test_update_refuses_hostname_too_long(self, runtime):
        make_domain(runtime, LONG, hostname="mx.example.net")

        with (
            pytest.raises(InvalidInput) as caught,
            session_scope(runtime.engine) as session,
        ):
            domain = session.execute(select(Domain)).scalars().one()
            update_domain(
                session, runtime, ADMIN, domain, hostname="mx.%domain%", settings=None
            )

        assert (caught.value.field, caught.value.code) == ("hostname", "INVALID_DOMAIN")
        assert domains_by_name(runtime)[LONG].hostname == "mx.example.net"

    def test_rename_refuses_hostname_too_long(self, runtime):
        make_domain(runtime, SHORT)

        with (
            pytest.raises(InvalidInput) as caught,
            session_scope(runtime.engine) as session,
        ):
            domain = session.execute(select(Domain)).scalars().one()
            rename_domain(session, runtime, domain, LONG)

        assert (caught.value.field, caught.value.code) == (
            "newName",
            "HOSTNAME_TOO_LONG",
        )
        assert domains_by_name(runtime)[SHORT].hostname == f"mail.{SHORT}"
