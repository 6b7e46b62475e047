"""The domain status in the domain template: reading, changing, new domains
and propagation."""

from pathlib import Path

import pytest

from core.db import session_scope
from core.errors import InvalidInput
from core.services.templates import read_domain_template, update_domain_template
from tests.core.schema.templates.conftest import ADMIN_PASSWORD, make_domain
from tests.workers.support import system_admin, wait_for_job

DEFAULTS = "query { domainDefaults { hostname status } }"

UPDATE = """
mutation Update($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) {
    domainDefaults { hostname status settings { fakeSync { accounts } } }
    errors { field code }
  }
}
"""

PROPAGATE = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) {
    domainsChanged
    preview { domain settings { path before after changes } }
    job { id }
    errors { field code }
  }
}
"""

CREATE = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) {
    domain { name status folder primaryAdmin userCount }
    errors { field code }
  }
}
"""

SET_STATUS = """
mutation Status($input: DomainSetStatusInput!) {
  setDomainStatus(input: $input) { errors { code } }
}
"""

UPDATE_DOMAIN = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) { errors { field code } }
}
"""

DOMAINS = "query { domains { nodes { name status hostname } } }"

JOB = "query Job($id: ID!) { job(id: $id) { state result } }"

AUDIT = """
query {
  auditLog(filter: {action: "propagateDomainDefaults"}) {
    nodes { actor target changes { field before after } }
  }
}
"""

ME = "query { me { name } }"

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token errors { code } }
}
"""


def domains(admin) -> dict[str, tuple[str, str]]:
    nodes = admin.execute(DOMAINS)["domains"]["nodes"]
    return {node["name"]: (node["status"], node["hostname"]) for node in nodes}


def login_codes(client, address: str) -> list[str]:
    payload = client.mutate(LOGIN, {"username": address, "password": ADMIN_PASSWORD})
    return [error["code"] for error in payload["errors"]]


def disable_template(admin, **more) -> None:
    payload = admin.mutate(UPDATE, {"status": "DISABLED", **more})
    assert payload["errors"] == [], payload["errors"]


class TestTemplateStatus:
    def test_template_status_starts_enabled(self, admin):
        data = admin.execute(DEFAULTS)

        assert data["domainDefaults"] == {
            "hostname": "mail.%domain%",
            "status": "ENABLED",
        }

    def test_update_saves_status_and_spares_domains(self, admin, runtime):
        make_domain(runtime, "a.test", users=[], accounts=1)

        payload = admin.mutate(UPDATE, {"status": "DISABLED"})

        assert payload["errors"] == []
        assert payload["domainDefaults"]["status"] == "DISABLED"
        assert admin.execute(DEFAULTS)["domainDefaults"] == {
            "hostname": "mail.%domain%",
            "status": "DISABLED",
        }
        assert domains(admin) == {"a.test": ("ENABLED", "mail.a.test")}

    def test_update_without_status_keeps_it(self, admin):
        disable_template(admin)

        payload = admin.mutate(UPDATE, {"hostname": "mx.%domain%", "status": None})

        assert payload["errors"] == []
        assert payload["domainDefaults"]["status"] == "DISABLED"

    def test_unknown_status_is_refused_saving_nothing(self, admin):
        body = admin.raw(
            UPDATE, {"input": {"hostname": "mx.%domain%", "status": "PAUSED"}}
        )

        assert body["data"] is None
        assert body["errors"]
        assert admin.execute(DEFAULTS)["domainDefaults"] == {
            "hostname": "mail.%domain%",
            "status": "ENABLED",
        }

    def test_bad_setting_saves_no_status(self, admin):
        payload = admin.mutate(
            UPDATE, {"status": "DISABLED", "settings": {"fakeSync": {"accounts": -1}}}
        )

        assert [e["field"] for e in payload["errors"]] == ["settings.fakeSync.accounts"]
        assert admin.execute(DEFAULTS)["domainDefaults"]["status"] == "ENABLED"

    def test_service_rejects_status_outside_domain_statuses(self, runtime):
        principal = system_admin(runtime)

        with (
            pytest.raises(InvalidInput) as caught,
            session_scope(runtime.engine) as session,
        ):
            update_domain_template(
                session,
                runtime,
                principal,
                hostname="mx.%domain%",
                settings=None,
                status="paused",
            )

        assert (caught.value.field, caught.value.code) == ("status", "INVALID")
        with session_scope(runtime.engine, write=False) as session:
            template = read_domain_template(session, runtime)
        assert (template.hostname, template.status) == ("mail.%domain%", "enabled")


class TestNewDomainStatus:
    def test_disabled_template_creates_whole_disabled_domain(self, admin, client):
        disable_template(admin)

        payload = admin.mutate(
            CREATE,
            {
                "name": "a.test",
                "adminUsername": "boss",
                "adminPassword": ADMIN_PASSWORD,
            },
        )

        domain = payload["domain"]
        assert payload["errors"] == []
        assert (domain["status"], domain["primaryAdmin"]) == (
            "DISABLED",
            "boss@a.test",
        )
        assert domain["userCount"] == 1
        assert Path(domain["folder"], "boss").is_dir()
        assert login_codes(client, "boss@a.test") == ["INVALID_CREDENTIALS"]

    def test_enabling_it_lets_its_admin_log_in(self, admin, client):
        disable_template(admin)
        admin.mutate(
            CREATE,
            {
                "name": "a.test",
                "adminUsername": "boss",
                "adminPassword": ADMIN_PASSWORD,
            },
        )

        admin.mutate(SET_STATUS, {"name": "a.test", "status": "ENABLED"})

        assert login_codes(client, "boss@a.test") == []


class TestStatusPropagation:
    @pytest.fixture
    def three(self, admin, runtime):
        """a.test enabled; b.test disabled; c.test enabled."""
        for name in ("a.test", "b.test", "c.test"):
            make_domain(runtime, name, users=[], accounts=1)
        admin.mutate(SET_STATUS, {"name": "b.test", "status": "DISABLED"})

    def test_dry_run_previews_each_domain_status(self, admin, three):
        disable_template(admin)

        payload = admin.mutate(PROPAGATE, {"settings": ["status"], "dryRun": True})

        assert (payload["errors"], payload["domainsChanged"]) == ([], 0)
        assert payload["preview"] == [
            {
                "domain": name,
                "settings": [
                    {
                        "path": "status",
                        "before": before,
                        "after": "DISABLED",
                        "changes": before != "DISABLED",
                    }
                ],
            }
            for name, before in [
                ("a.test", "ENABLED"),
                ("b.test", "DISABLED"),
                ("c.test", "ENABLED"),
            ]
        ]
        assert domains(admin)["a.test"][0] == "ENABLED"

    def test_real_run_counts_domains_whose_status_differed(self, admin, client, three):
        session = client.as_token(client.login("boss@a.test", ADMIN_PASSWORD))
        disable_template(admin)

        payload = admin.mutate(PROPAGATE, {"settings": ["status"]})
        again = admin.mutate(PROPAGATE, {"settings": ["status"]})

        assert (payload["errors"], payload["domainsChanged"]) == ([], 2)
        assert again["domainsChanged"] == 0
        assert {name: row[0] for name, row in domains(admin).items()} == {
            "a.test": "DISABLED",
            "b.test": "DISABLED",
            "c.test": "DISABLED",
        }
        # As after setDomainStatus: sessions stop working, logins are refused.
        assert session.execute(ME)["me"] is None
        assert login_codes(client, "boss@c.test") == ["INVALID_CREDENTIALS"]

    def test_enabled_template_enables_every_domain(self, admin, client, three):
        payload = admin.mutate(PROPAGATE, {"settings": ["status"]})

        assert payload["domainsChanged"] == 1
        assert login_codes(client, "boss@b.test") == []

    def test_status_mixes_with_hostname_and_settings(self, admin, three):
        disable_template(
            admin,
            hostname="mx.%domain%",
            settings={"fakeSync": {"server": "sync.%domain%"}},
        )
        # c.test already holds every value: it counts nothing.
        admin.mutate(SET_STATUS, {"name": "c.test", "status": "DISABLED"})
        changed = admin.mutate(
            UPDATE_DOMAIN,
            {
                "name": "c.test",
                "hostname": "mx.c.test",
                "settings": {"fakeSync": {"server": "sync.c.test"}},
            },
        )
        assert changed["errors"] == []
        paths = ["fakeSync.server", "status", "hostname"]

        dry = admin.mutate(PROPAGATE, {"settings": paths, "dryRun": True})
        real = admin.mutate(PROPAGATE, {"settings": paths})

        b_test = dry["preview"][1]
        assert b_test["domain"] == "b.test"
        assert [(s["path"], s["before"], s["after"]) for s in b_test["settings"]] == [
            ("hostname", "mail.b.test", "mx.b.test"),
            ("status", "DISABLED", "DISABLED"),
            ("fakeSync.server", "sync.example.net", "sync.b.test"),
        ]
        assert not any(s["changes"] for s in dry["preview"][2]["settings"])
        assert (real["errors"], real["domainsChanged"]) == ([], 2)
        assert domains(admin) == {
            name: ("DISABLED", f"mx.{name}") for name in ("a.test", "b.test", "c.test")
        }

    def test_unknown_path_beside_status_names_its_index(self, admin, three):
        disable_template(admin)

        payload = admin.mutate(PROPAGATE, {"settings": ["status", "nosuch"]})

        assert [(e["field"], e["code"]) for e in payload["errors"]] == [
            ("settings.1", "UNKNOWN_SETTING")
        ]
        assert domains(admin)["a.test"][0] == "ENABLED"

    def test_status_propagates_as_job(self, admin, runtime, three):
        disable_template(admin)

        payload = admin.mutate(PROPAGATE, {"settings": ["status"], "runAsJob": True})
        wait_for_job(runtime, int(payload["job"]["id"]))

        job = admin.execute(JOB, {"id": payload["job"]["id"]})["job"]
        assert (job["state"], job["result"]) == (
            "SUCCEEDED",
            {"domainsChanged": 2, "refused": []},
        )
        assert domains(admin)["c.test"][0] == "DISABLED"

    @pytest.mark.parametrize("as_job", [False, True], ids=["request", "job"])
    def test_audit_entry_names_the_status_set(self, admin, runtime, three, as_job):
        disable_template(admin)

        payload = admin.mutate(PROPAGATE, {"settings": ["status"], "runAsJob": as_job})
        if as_job:
            wait_for_job(runtime, int(payload["job"]["id"]))

        entry = admin.execute(AUDIT)["auditLog"]["nodes"][0]
        assert (entry["actor"], entry["target"]) == (
            "admin",
            payload["job"]["id"] if as_job else None,
        )
        changes = entry["changes"]
        assert {
            "field": "domains.status",
            "before": {"a.test": "enabled", "c.test": "enabled"},
            "after": "disabled",
        } in changes
        assert {"field": "settings", "before": None, "after": ["status"]} in changes
        assert {"field": "domainsChanged", "before": None, "after": 2} in changes
