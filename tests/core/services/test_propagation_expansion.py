"""Propagation leaves alone, and reports, the domains whose name breaks a value."""

import pytest

from core.db import session_scope
from core.models import ServerSetting
from core.runtime import build_runtime
from core.services.propagation import (
    propagate_domain_defaults,
    propagate_user_defaults,
)
from core.services.users import add_user as insert_user
from tests.core.schema.templates import fake_plugin
from tests.core.services import sectioned_plugin
from tests.core.services.expansion_support import (
    GLUED_HOST,
    LABEL,
    LONG,
    MIDDLE,
    SHORT,
    SYNC_LABEL,
    TITLE,
    WIDE,
    domains_by_name,
    long_name,
    make_domain,
    set_domain_template,
    set_user_template,
    users_by_domain,
)


def propagate_domains(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_domain_defaults(session, runtime, paths, **kwargs)


def propagate_users(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_user_defaults(session, runtime, paths, **kwargs)


def refused_by(result) -> list[tuple[str, str]]:
    return sorted((refusal.domain, refusal.plugin) for refusal in result.refused)


def hostnames(runtime) -> dict[str, str]:
    return {name: d.hostname for name, d in domains_by_name(runtime).items()}


class TestDomainPropagation:
    @pytest.fixture
    def domains(self, runtime) -> None:
        for name in (SHORT, LONG, MIDDLE):
            make_domain(runtime, name, hostname="old.example.net")

    def test_hostname_skips_domain_it_would_break(self, runtime, domains):
        result = propagate_domains(runtime, ["hostname"])

        assert result.changed == 2
        assert refused_by(result) == [(LONG, "core")]
        assert hostnames(runtime) == {
            SHORT: f"mail.{SHORT}",
            MIDDLE: f"mail.{MIDDLE}",
            LONG: "old.example.net",
        }

    def test_refused_domain_keeps_every_chosen_setting(self, runtime, domains):
        set_domain_template(runtime, settings={**TITLE, "limits": {"users": 7}})

        result = propagate_domains(runtime, ["loginDisplay.loginTitle", "limits"])

        stored = {
            name: (d.settings["loginDisplay"]["login_title"], d.settings["limits"])
            for name, d in domains_by_name(runtime).items()
        }
        assert result.changed == 1
        assert refused_by(result) == sorted([(LONG, "core"), (MIDDLE, "core")])
        assert stored[SHORT][0] == f"Sign in to {SHORT}"
        assert stored[SHORT][1]["users"] == 7
        assert {stored[n][0] for n in (LONG, MIDDLE)} == {None}
        assert {stored[n][1]["users"] for n in (LONG, MIDDLE)} == {100}

    def test_unbroken_setting_reaches_long_names(self, runtime, domains):
        set_domain_template(
            runtime, settings={"misc": {"logout_url": "https://%domain%/bye"}}
        )

        result = propagate_domains(runtime, ["misc.logoutUrl"])

        assert (result.changed, result.refused) == (3, [])

    def test_dry_run_reports_refusal_and_skips_it(self, runtime, domains):
        result = propagate_domains(runtime, ["hostname"], dry_run=True)

        assert refused_by(result) == [(LONG, "core")]
        assert sorted(p.domain for p in result.preview) == sorted([SHORT, MIDDLE])
        assert hostnames(runtime)[SHORT] == "old.example.net"

    def test_unicode_pattern_counts_encoded_length(self, runtime):
        near = long_name(245)  # xn--80a1acny.<near> is 258 characters
        make_domain(runtime, near, hostname="old.example.net")
        make_domain(runtime, SHORT, hostname="old.example.net")
        set_domain_template(runtime, hostname="почта.%domain%")

        result = propagate_domains(runtime, ["hostname"])

        assert refused_by(result) == [(near, "core")]
        assert hostnames(runtime)[SHORT] == f"xn--80a1acny.{SHORT}"

    def test_long_first_label_breaks_host_setting(self, runtime):
        for name in (SHORT, WIDE):
            make_domain(runtime, name)
        set_domain_template(runtime, settings={"email": {"inbound_host": GLUED_HOST}})

        result = propagate_domains(runtime, ["email.inboundHost"])

        assert refused_by(result) == [(WIDE, "core")]
        assert result.changed == 1

    def test_stored_glued_pattern_checks_every_name(self, runtime):
        fused = "f" * 14 + ".test"  # 50 m's and it make a 64-character label
        for name in (SHORT, fused):
            make_domain(runtime, name, hostname="old.example.net")
        with session_scope(runtime.engine) as session:
            # As saved before patterns had to hold the variable as labels.
            document = {"hostname": "m" * 50 + "%domain%"}
            session.add(ServerSetting(key="template.domain", value=document))

        result = propagate_domains(runtime, ["hostname"])

        assert refused_by(result) == [(fused, "core")]
        assert hostnames(runtime)[SHORT] == "m" * 50 + SHORT

    def test_stored_unicode_pattern_propagates_encoded(self, runtime):
        make_domain(runtime, SHORT, hostname="old.example.net")
        with session_scope(runtime.engine) as session:
            # As saved before patterns were stored encoded.
            document = {"hostname": "Почта.%domain%."}
            session.add(ServerSetting(key="template.domain", value=document))

        result = propagate_domains(runtime, ["hostname"])

        assert (result.changed, result.refused) == (1, [])
        assert hostnames(runtime)[SHORT] == f"xn--80a1acny.{SHORT}"


class TestUserPropagation:
    @pytest.fixture
    def plugin_runtime(self, runtime, config):
        loaded = build_runtime(config, plugin_modules=[fake_plugin])
        yield loaded
        loaded.engine.dispose()

    @pytest.fixture
    def domains(self, plugin_runtime) -> None:
        """LABEL breaks the label; b.test has 2 users for 1 sync account."""
        for name in (SHORT, LABEL, "b.test"):
            make_domain(plugin_runtime, name)
        with session_scope(plugin_runtime.engine) as session:
            domain = domains_by_name(plugin_runtime)["b.test"]
            session.add(domain)
            insert_user(session, domain, "ann", "pw-123456", user_limit=10)
        settings = {"fakeSync": {**SYNC_LABEL["fakeSync"], "enabled": True}}
        set_user_template(plugin_runtime, settings)

    def test_user_setting_skips_domain_it_would_break(self, plugin_runtime, domains):
        result = propagate_users(plugin_runtime, ["fakeSync.label"])

        labels = {
            name: [user.settings["fakeSync"]["label"] for user in users]
            for name, users in users_by_domain(plugin_runtime).items()
        }
        assert result.changed == 3
        assert refused_by(result) == [(LABEL, "core")]
        assert labels[LABEL] == [""]
        assert labels[SHORT] == [f"Sync {SHORT}"]

    def test_core_and_plugin_refuse_in_one_run(self, plugin_runtime, domains):
        result = propagate_users(plugin_runtime, ["fakeSync"])

        assert result.changed == 1
        assert refused_by(result) == sorted([(LABEL, "core"), ("b.test", "fake_sync")])
        assert fake_plugin.AFTER_CALLS[-1][0] == [
            domains_by_name(plugin_runtime)[SHORT].id
        ]

    def test_dry_run_reports_core_refusal(self, plugin_runtime, domains):
        result = propagate_users(plugin_runtime, ["fakeSync.label"], dry_run=True)

        assert refused_by(result) == [(LABEL, "core")]
        assert sorted(p.domain for p in result.preview) == ["b.test", SHORT]
        assert result.changed == 0


def test_unjudged_section_refuses_with_one_update(runtime, config):
    sectioned_plugin.CALLS.clear()
    loaded = build_runtime(config, plugin_modules=[sectioned_plugin])
    for name in (SHORT, LABEL):
        make_domain(loaded, name)
    set_user_template(loaded, {"note": {"text": "Note %domain%"}})

    result = propagate_users(loaded, ["note.text"])

    notes = {
        name: [user.settings["note"]["text"] for user in users]
        for name, users in users_by_domain(loaded).items()
    }
    loaded.engine.dispose()
    assert (result.changed, refused_by(result)) == (1, [(LABEL, "core")])
    assert notes == {SHORT: [f"Note {SHORT}"], LABEL: [""]}
    assert sectioned_plugin.CALLS == []
