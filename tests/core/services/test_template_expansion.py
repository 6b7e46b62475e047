"""Template values that a long domain name would make invalid once expanded."""

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import InvalidInput, InvalidInputs
from core.models import Domain, User
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.services.domains import (
    DomainCreate,
    create_domain,
    rename_domain,
    update_domain,
)
from core.services.propagation import (
    propagate_domain_defaults,
    propagate_user_defaults,
)
from core.services.templates import update_domain_template, update_user_template
from core.services.users import UserCreate, create_user
from tests.core.schema.templates import fake_plugin

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
SHORT = "short.test"


def long_name(length: int) -> str:
    """A valid domain name of exactly ``length`` characters, ending in .test."""
    labels, left = [], length - len(".test")
    while left > 63:
        labels.append("a" * 62)
        left -= 63
    labels.append("b" * left)
    return ".".join(labels) + ".test"


LONG = long_name(252)  # mail.<LONG> is 257 characters: no host name
MIDDLE = long_name(95)  # "Sign in to <MIDDLE>" is 106: over loginTitle's 100


@pytest.fixture
def plugin_runtime(runtime, config):
    """The same database, with the fake plugin's sections registered."""
    loaded = build_runtime(config, plugin_modules=[fake_plugin])
    yield loaded
    loaded.engine.dispose()


def make_domain(runtime, name: str, hostname: str | None = None) -> Domain:
    with session_scope(runtime.engine) as session:
        data = DomainCreate(name, "boss", "pw-123456", hostname=hostname)
        return create_domain(session, runtime, data)


def set_domain_template(runtime, *, hostname=None, settings=None) -> None:
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session, runtime, ADMIN, hostname=hostname, settings=settings
        )


def set_user_template(runtime, settings: dict) -> None:
    with session_scope(runtime.engine) as session:
        update_user_template(session, runtime, ADMIN, settings)


def domains_by_name(runtime) -> dict[str, Domain]:
    with session_scope(runtime.engine, write=False) as session:
        return {d.name: d for d in session.execute(select(Domain)).scalars()}


def count_domains(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(select(func.count(Domain.id))).scalar_one()


class TestCreation:
    def test_long_name_breaking_hostname_pattern_is_refused(self, runtime):
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

    def test_long_name_breaking_domain_setting_is_refused(self, runtime):
        set_domain_template(
            runtime, settings={"loginDisplay": {"login_title": "Sign in to %domain%"}}
        )

        with pytest.raises(InvalidInputs) as caught:
            make_domain(runtime, MIDDLE)

        assert [(e.field, e.code) for e in caught.value.errors] == [
            ("name", "TEMPLATE_VALUE_INVALID")
        ]
        assert count_domains(runtime) == 0

    def test_short_name_expands_same_setting(self, runtime):
        set_domain_template(
            runtime, settings={"loginDisplay": {"login_title": "Sign in to %domain%"}}
        )

        domain = make_domain(runtime, SHORT)

        title = domain.settings["loginDisplay"]["login_title"]
        assert title == f"Sign in to {SHORT}"

    def test_long_name_breaking_user_template_refuses_domain(self, plugin_runtime):
        set_user_template(plugin_runtime, {"fakeSync": {"label": "Sync %domain%"}})

        with pytest.raises(InvalidInputs) as caught:
            make_domain(plugin_runtime, long_name(60))

        assert [(e.field, e.code) for e in caught.value.errors] == [
            ("name", "TEMPLATE_VALUE_INVALID")
        ]
        assert count_domains(plugin_runtime) == 0

    def test_user_creation_names_the_broken_setting(self, plugin_runtime):
        make_domain(plugin_runtime, long_name(60))
        set_user_template(plugin_runtime, {"fakeSync": {"label": "Sync %domain%"}})

        with pytest.raises(InvalidInputs) as caught:
            add_user(plugin_runtime, f"ann@{long_name(60)}")

        assert [(e.field, e.code) for e in caught.value.errors] == [
            ("settings.fakeSync.label", "TEMPLATE_VALUE_INVALID")
        ]

    def test_user_given_own_value_is_created(self, plugin_runtime):
        make_domain(plugin_runtime, long_name(60))
        set_user_template(plugin_runtime, {"fakeSync": {"label": "Sync %domain%"}})

        user = add_user(
            plugin_runtime, f"ann@{long_name(60)}", {"fakeSync": {"label": "Ann"}}
        )

        assert user.settings["fakeSync"]["label"] == "Ann"


def add_user(runtime, email: str, settings: dict | None = None) -> User:
    with session_scope(runtime.engine) as session:
        data = UserCreate(email=email, password="pw-123456", settings=settings)
        user, _ = create_user(session, runtime, ADMIN, data)
        return user


class TestHostnameChanges:
    def test_pattern_glued_to_letters_is_refused(self, runtime):
        with pytest.raises(InvalidInput) as caught:
            set_domain_template(runtime, hostname="mx%domain%")

        assert (caught.value.field, caught.value.code) == ("hostname", "INVALID_DOMAIN")

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


class TestDomainPropagation:
    @pytest.fixture
    def domains(self, runtime) -> None:
        make_domain(runtime, SHORT, hostname="old.example.net")
        make_domain(runtime, LONG, hostname="old.example.net")
        make_domain(runtime, MIDDLE, hostname="old.example.net")

    def propagate(self, runtime, paths, **kwargs):
        with session_scope(runtime.engine) as session:
            return propagate_domain_defaults(session, runtime, paths, **kwargs)

    def test_hostname_skips_domain_it_would_break(self, runtime, domains):
        result = self.propagate(runtime, ["hostname"])

        hostnames = {n: d.hostname for n, d in domains_by_name(runtime).items()}
        assert result.changed == 2
        assert [(r.domain, r.plugin) for r in result.refused] == [(LONG, "core")]
        assert hostnames == {
            SHORT: f"mail.{SHORT}",
            MIDDLE: f"mail.{MIDDLE}",
            LONG: "old.example.net",
        }

    def test_setting_skips_domain_it_would_break(self, runtime, domains):
        set_domain_template(
            runtime, settings={"loginDisplay": {"login_title": "Sign in to %domain%"}}
        )

        result = self.propagate(runtime, ["loginDisplay.loginTitle", "limits"])

        titles = {
            name: domain.settings["loginDisplay"]["login_title"]
            for name, domain in domains_by_name(runtime).items()
        }
        assert sorted(r.domain for r in result.refused) == sorted([LONG, MIDDLE])
        assert titles == {SHORT: f"Sign in to {SHORT}", LONG: None, MIDDLE: None}

    def test_unbroken_setting_reaches_long_names(self, runtime, domains):
        set_domain_template(
            runtime, settings={"loginDisplay": {"login_title": "Sign in, %domain%"}}
        )
        set_domain_template(runtime, settings={"limits": {"disk_space_mb": 900}})

        result = self.propagate(runtime, ["limits.diskSpaceMb"])

        assert (result.changed, result.refused) == (3, [])

    def test_dry_run_reports_refusal_and_skips_it(self, runtime, domains):
        result = self.propagate(runtime, ["hostname"], dry_run=True)

        assert [r.domain for r in result.refused] == [LONG]
        assert sorted(p.domain for p in result.preview) == sorted([SHORT, MIDDLE])
        assert domains_by_name(runtime)[SHORT].hostname == "old.example.net"


class TestUserPropagation:
    def test_user_setting_skips_domain_it_would_break(self, plugin_runtime):
        for name in (SHORT, long_name(60)):
            make_domain(plugin_runtime, name)
        set_user_template(plugin_runtime, {"fakeSync": {"label": "Sync %domain%"}})

        with session_scope(plugin_runtime.engine) as session:
            result = propagate_user_defaults(
                session, plugin_runtime, ["fakeSync.label"]
            )

        labels = {
            domain_name: user.settings["fakeSync"]["label"]
            for domain_name, user in users_by_domain(plugin_runtime).items()
        }
        assert result.changed == 1
        assert [(r.domain, r.plugin) for r in result.refused] == [
            (long_name(60), "core")
        ]
        assert labels == {SHORT: f"Sync {SHORT}", long_name(60): ""}


def users_by_domain(runtime) -> dict[str, User]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            select(Domain.name, User).join(User, User.domain_id == Domain.id)
        )
        return {name: user for name, user in rows}
