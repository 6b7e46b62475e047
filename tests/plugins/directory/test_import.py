"""importDirectoryUsers: a job that creates the directory's missing users."""

from pathlib import Path

import pytest
from sqlalchemy import select, update

import plugins.directory
import plugins.directory.actors
from core.db import session_scope
from core.errors import InvalidInputs
from core.models import AuditEntry, Domain, User
from core.runtime import build_runtime
from core.services.scope import find_domain
from core.services.users import UserCreate, create_user
from plugins.directory.user_import import request_import
from tests.core.schema.templates import fake_plugin
from tests.core.services.expansion_support import LABEL, SYNC_LABEL, set_user_template
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, SYSTEM, issue_license, licensed_config
from tests.plugins.directory.conftest import PEOPLE, change_settings, make_domain
from tests.workers.support import request_job, run_job_now, wait_for_job

IMPORT = """
mutation Import($input: DirectoryUsersImportInput!) {
  importDirectoryUsers(input: $input) { job { id kind } errors { field code } }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { token errors { code } } }
"""
UNUSABLE = [
    {"entry": "uid=bad/name,ou=people,dc=example,dc=org", "code": "INVALID_ADDRESS"},
    {"entry": "cn=Nobody,ou=people,dc=example,dc=org", "code": "NO_LOGIN_ATTRIBUTE"},
]


def run_import(runtime, domain: str = "a.test", **options):
    job_id = request_job(
        runtime,
        lambda session: request_import(session, runtime, SYSTEM, domain, **options),
    )
    return run_job_now(runtime, job_id)


def users(runtime, domain: str = "a.test") -> dict[str, tuple[str, str]]:
    """local part -> (display name, authType) of the domain's users."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            select(User.local_part, User.display_name, User.auth_type)
            .join(Domain, Domain.id == User.domain_id)
            .where(Domain.name == domain)
        )
        return {local: (name, kind) for local, name, kind in rows}


def test_import_creates_missing_users_once(directory_runtime, ldap_url):
    # Given a domain whose directory holds four people and two unusable entries
    make_domain(directory_runtime, "a.test", ldap_url)

    # When the directory's users are imported twice
    first = run_import(directory_runtime)
    second = run_import(directory_runtime)

    # Then the first run creates the four, the second nobody
    assert first.state == "succeeded"
    skipped = sorted(first.result.pop("skippedEntries"), key=lambda e: e["entry"])
    assert first.result.pop("missingUsers") == []
    assert first.result == {
        "created": 4,
        "existing": 0,
        "skipped": 2,
        "missing": 0,
        "disabled": 0,
    }
    assert skipped == sorted(UNUSABLE, key=lambda e: e["entry"])
    assert (first.done, first.total) == (6, 6)
    assert second.result["created"] == 0 and second.result["existing"] == 4
    expected = {uid: (cn, "directory") for uid, (cn, _pw) in PEOPLE.items()}
    assert users(directory_runtime) == {"admin": ("", "password"), **expected}
    with session_scope(directory_runtime.engine, write=False) as session:
        domain = find_domain(session, "a.test")
        assert domain.user_count == 5
        assert all((Path(domain.folder) / uid).is_dir() for uid in PEOPLE)


def test_import_stops_at_the_user_limit(directory_runtime, ldap_url):
    # Given room for the administrator and two more users
    make_domain(directory_runtime, "a.test", ldap_url)
    change_settings(directory_runtime, "a.test", {"limits": {"users": 3}})

    job = run_import(directory_runtime)

    assert job.state == "succeeded"
    assert (job.result["created"], job.result["skipped"]) == (2, 4)
    codes = [e["code"] for e in job.result["skippedEntries"]]
    assert codes.count("USER_LIMIT_REACHED") == 2
    assert set(users(directory_runtime)) == {"admin", "alice", "bob"}


def test_import_fails_clearly_when_directory_is_down(
    directory_runtime, admin, closed_url
):
    make_domain(directory_runtime, "a.test", closed_url)

    payload = admin.mutate(IMPORT, {"domain": "a.test"})
    job = wait_for_job(directory_runtime, int(payload["job"]["id"]))

    assert job.state == "failed"
    assert job.errors[0]["code"] == "DIRECTORY_UNAVAILABLE"
    assert job.errors[0]["message"] == "The directory could not be reached."
    assert set(users(directory_runtime)) == {"admin"}


def test_domain_admin_imports_over_graphql_and_users_log_in(
    directory_runtime, client, ldap_url
):
    # Given the domain's administrator
    make_domain(directory_runtime, "a.test", ldap_url)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    # When it imports the directory's users, and one of them logs in
    payload = boss.mutate(IMPORT, {"domain": "a.test"})
    job = wait_for_job(directory_runtime, int(payload["job"]["id"]))
    login = client.mutate(
        LOGIN, {"username": "carol@a.test", "password": PEOPLE["carol"][1]}
    )

    # Then the job ran in the background and the user's directory password works
    assert payload["errors"] == []
    assert payload["job"]["kind"] == "import_directory_users"
    assert (job.state, job.result["created"]) == ("succeeded", 4)
    assert login["errors"] == [] and login["token"]


def test_import_refused_without_the_feature_or_the_domain(
    directory_runtime, client, admin, ldap_url
):
    # Given a.test without directory integration, and b.test with it
    make_domain(directory_runtime, "a.test", None)
    make_domain(directory_runtime, "b.test", ldap_url)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    feature_off = boss.mutate(IMPORT, {"domain": "a.test"})
    system_off = admin.mutate(IMPORT, {"domain": "a.test"})
    elsewhere = boss.mutate(IMPORT, {"domain": "b.test"})

    assert error_codes(feature_off) == ["FEATURE_DISABLED"]
    assert error_codes(system_off) == ["FEATURE_DISABLED"]
    assert error_codes(elsewhere) == ["DOMAIN_NOT_FOUND"]
    assert feature_off["job"] is None


def test_import_needs_a_directory_url(directory_runtime, admin):
    make_domain(directory_runtime, "a.test", None)
    on = {"features": {"directory_integration": True}}
    change_settings(directory_runtime, "a.test", on)

    refused = admin.mutate(IMPORT, {"domain": "a.test"})

    assert error_codes(refused) == ["DIRECTORY_NOT_CONFIGURED"]


def test_plain_user_may_not_import(directory_runtime, client, ldap_url):
    make_domain(directory_runtime, "a.test", ldap_url, users=("plain",))
    user = client.as_token(client.login("plain@a.test", PASSWORD))

    refused = user.mutate(IMPORT, {"domain": "a.test"})

    assert error_codes(refused) == ["DOMAIN_NOT_FOUND"]


def test_import_refused_when_user_template_breaks(runtime, tmp_path, ldap_url):
    # Given a long-named domain whose name the user template's label outgrows
    config = licensed_config(
        runtime.config, tmp_path, issue_license(features=("directory_integration",))
    )
    loaded = build_runtime(config, plugin_modules=[plugins.directory, fake_plugin])
    make_domain(loaded, LABEL, ldap_url)
    set_user_template(loaded, SYNC_LABEL)

    # When an import is asked for
    with (
        pytest.raises(InvalidInputs) as caught,
        session_scope(loaded.engine) as session,
    ):
        request_import(session, loaded, SYSTEM, LABEL)
    loaded.engine.dispose()

    # Then it is refused at once, naming the domain
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("domain", "TEMPLATE_VALUE_INVALID")
    ]


def add_user(runtime, email: str, auth_type: str) -> None:
    with session_scope(runtime.engine) as session:
        create_user(
            session, runtime, SYSTEM, UserCreate(email, PASSWORD, auth_type=auth_type)
        )


def test_import_reports_directory_users_it_no_longer_lists(directory_runtime, ldap_url):
    # Given a DIRECTORY user the directory does not hold, and a password user
    make_domain(directory_runtime, "a.test", ldap_url)
    add_user(directory_runtime, "zed@a.test", "directory")
    add_user(directory_runtime, "plain@a.test", "password")

    job = run_import(directory_runtime)

    # Then only the DIRECTORY user is reported, and it is left as it was
    assert (job.result["missing"], job.result["missingUsers"]) == (1, ["zed@a.test"])
    with session_scope(directory_runtime.engine, write=False) as session:
        zed = session.execute(select(User).where(User.local_part == "zed")).scalar_one()
        assert zed.status == "enabled"


def test_import_fails_on_a_base_dn_naming_nothing(directory_runtime, admin, ldap_url):
    make_domain(directory_runtime, "a.test", ldap_url, base_dn="ou=nowhere,dc=x")

    payload = admin.mutate(IMPORT, {"domain": "a.test"})
    job = wait_for_job(directory_runtime, int(payload["job"]["id"]))

    assert job.state == "failed"
    assert job.errors[0]["code"] == "DIRECTORY_MISCONFIGURED"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"base_dn": None}, "DIRECTORY_NOT_CONFIGURED", id="no-base-dn"),
        pytest.param({"bind_dn": "cn=x"}, "DIRECTORY_PASSWORD_STALE", id="moved"),
    ],
)
def test_import_refused_until_directory_is_usable(
    directory_runtime, admin, ldap_url, changes, code
):
    make_domain(directory_runtime, "a.test", ldap_url)
    change_settings(directory_runtime, "a.test", {"directory": changes})

    refused = admin.mutate(IMPORT, {"domain": "a.test"})

    assert error_codes(refused) == [code]


def statuses(runtime) -> dict[str, str]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(select(User.local_part, User.status))
        return dict(rows.all())


def test_import_disables_missing_users_when_asked(directory_runtime, ldap_url):
    # Given DIRECTORY users the directory does not hold, the primary
    # administrator among them, and a password user
    make_domain(directory_runtime, "a.test", ldap_url)
    add_user(directory_runtime, "zed@a.test", "directory")
    add_user(directory_runtime, "yan@a.test", "directory")
    add_user(directory_runtime, "plain@a.test", "password")
    with session_scope(directory_runtime.engine) as session:
        session.execute(
            update(User).where(User.local_part == "admin").values(auth_type="directory")
        )

    # When an import is asked to disable them, twice
    first = run_import(directory_runtime, disable_missing=True)
    second = run_import(directory_runtime, disable_missing=True)

    # Then the missing users but the primary administrator are disabled once
    assert first.result["missingUsers"] == ["admin@a.test", "yan@a.test", "zed@a.test"]
    assert (first.result["missing"], first.result["disabled"]) == (3, 2)
    assert (second.result["missing"], second.result["disabled"]) == (3, 0)
    assert statuses(directory_runtime) == {
        "admin": "enabled",
        "plain": "enabled",
        "yan": "disabled",
        "zed": "disabled",
        **{uid: "enabled" for uid in PEOPLE},
    }
    # And one audit entry, by the job's owner, records the users it disabled
    with session_scope(directory_runtime.engine, write=False) as session:
        [entry] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "importDirectoryUsers")
        ).all()
    assert (entry.actor, entry.target_kind, entry.domain_name) == (
        SYSTEM.name,
        "job",
        "a.test",
    )
    assert sorted(c["object"] for c in entry.changes if c["field"] == "status") == [
        "user yan@a.test",
        "user zed@a.test",
    ]
