"""The directory section, its gate for domain administrators, and the
service account's password, which is stored encrypted and never shown."""

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from core.db import session_scope
from core.models import AuditEntry
from plugins.directory.models import DirectoryCredential
from plugins.directory.settings import DirectorySettings
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD
from tests.plugins.directory.conftest import (
    BASE_DN,
    READER_PASSWORD,
    change_settings,
    make_domain,
)

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain { settings { directory {
      url bindDn baseDn userFilter loginAttribute displayNameAttribute startTls
    } } }
    errors { field code }
  }
}
"""
SET_PASSWORD = """
mutation Set($input: DirectoryBindPasswordSetInput!) {
  setDirectoryBindPassword(input: $input) { bindPasswordSet errors { field code } }
}
"""
PASSWORD_SET = """
query Stored($domain: String!) { directoryBindPasswordSet(domain: $domain) }
"""
SECTION_FIELDS = """
{ __type(name: "DirectorySettings") { fields { name } } }
"""
OFF = {"features": {"directory_integration": False}}


def update(client, settings: dict) -> dict:
    return client.mutate(UPDATE, {"name": "a.test", "settings": settings})


def set_password(client, password: str | None, domain: str = "a.test") -> dict:
    return client.mutate(SET_PASSWORD, {"domain": domain, "password": password})


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://ldap.example.org", id="http"),
        pytest.param("ldap://", id="no-host"),
        pytest.param("ldap://ldap.example.org/dc=example", id="path"),
        pytest.param("ldap://user:pw@ldap.example.org", id="userinfo"),
        pytest.param("ldap://ldap.example.org:99999", id="bad-port"),
        pytest.param("ldap://bad_host", id="bad-host"),
    ],
)
def test_section_refuses_bad_urls(url):
    with pytest.raises(ValidationError):
        DirectorySettings(url=url)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("base_dn", "not a dn", id="base-dn"),
        pytest.param("user_filter", "objectClass=person", id="filter-parens"),
        pytest.param("user_filter", "(a=b))(", id="filter-unbalanced"),
        pytest.param("user_filter", "(!(a=b)(c=d))", id="filter-two-negated"),
        pytest.param("user_filter", "(&)", id="filter-empty-and"),
        pytest.param("login_attribute", "uid)(x", id="attribute"),
    ],
)
def test_section_refuses_bad_search_settings(field, value):
    with pytest.raises(ValidationError):
        DirectorySettings(**{field: value})


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ldap://ldap.example.org", id="host"),
        pytest.param("ldap://192.0.2.10:389", id="address"),
    ],
)
def test_section_refuses_clear_text_ldap_elsewhere(url):
    with pytest.raises(ValidationError) as caught:
        DirectorySettings(url=url)

    assert [error["loc"] for error in caught.value.errors()] == [("url",)]
    assert DirectorySettings(url=url, start_tls=True).url == url


def test_domain_admin_may_not_save_clear_text_ldap(directory_runtime, client, ldap_url):
    # Given the administrator of a domain with a directory
    make_domain(directory_runtime, "a.test", ldap_url)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))
    remote = "ldap://ldap.example.org"

    # When it names a remote ldap:// server, with StartTLS and without
    refused = update(boss, {"directory": {"url": remote}})
    upgraded = update(boss, {"directory": {"url": remote, "startTls": True}})
    downgraded = update(boss, {"directory": {"startTls": False}})
    loopback = update(boss, {"directory": {"url": "ldap://[::1]:1389"}})

    # Then passwords never cross the network in clear
    clear_text = [{"field": "settings.directory.url", "code": "INVALID"}]
    assert refused["errors"] == clear_text and downgraded["errors"] == clear_text
    assert upgraded["errors"] == [] and loopback["errors"] == []


def test_section_accepts_directory_servers():
    settings = DirectorySettings(
        url="ldaps://dc01:636/", base_dn=BASE_DN, user_filter="(&(a=b)(!(c=d)))"
    )

    assert settings.url == "ldaps://dc01:636"
    assert DirectorySettings().model_dump() == {
        "url": None,
        "bind_dn": None,
        "base_dn": None,
        "user_filter": "(objectClass=inetOrgPerson)",
        "login_attribute": "uid",
        "display_name_attribute": "cn",
        "start_tls": False,
    }


def test_domain_admin_changes_section_only_while_feature_on(
    directory_runtime, client, ldap_url
):
    # Given a domain whose directory integration is on, then off
    make_domain(directory_runtime, "a.test", ldap_url)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))
    change = {"directory": {"loginAttribute": "mail", "startTls": True}}

    allowed = update(boss, change)
    change_settings(directory_runtime, "a.test", OFF)
    refused = update(boss, {"directory": {"loginAttribute": "cn"}})

    assert allowed["errors"] == []
    section = allowed["domain"]["settings"]["directory"]
    assert (section["loginAttribute"], section["startTls"]) == ("mail", True)
    assert error_codes(refused) == ["FEATURE_DISABLED"]
    assert refused["errors"][0]["field"] == "settings.directory.loginAttribute"


def test_bind_password_is_stored_encrypted_and_never_shown(
    directory_runtime, client, ldap_url
):
    # Given a domain with its directory, and its administrator
    make_domain(directory_runtime, "a.test", ldap_url)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    # When the administrator sets a new password, then removes it
    stored = set_password(boss, "new-reader-secret")
    shown = boss.execute(PASSWORD_SET, {"domain": "a.test"})
    with session_scope(directory_runtime.engine, write=False) as session:
        row = session.get(DirectoryCredential, 1)
        encrypted = row.bind_password_encrypted
    removed = set_password(boss, None)
    with session_scope(directory_runtime.engine, write=False) as session:
        entries = session.execute(select(AuditEntry.changes)).scalars().all()
        audited = [
            c for e in entries for c in e if c["field"] == "bindPasswordEncrypted"
        ]
    fields = {f["name"] for f in boss.execute(SECTION_FIELDS)["__type"]["fields"]}

    # Then it is kept encrypted, only its presence is ever told
    assert stored == {"bindPasswordSet": True, "errors": []}
    assert shown == {"directoryBindPasswordSet": True}
    assert "new-reader-secret" not in encrypted and READER_PASSWORD not in encrypted
    assert removed == {"bindPasswordSet": False, "errors": []}
    assert len(audited) == 2 and all(c["redacted"] for c in audited)
    assert encrypted not in str(entries)
    assert not [name for name in fields if "password" in name.lower()]


def test_bind_password_refused_while_feature_off(directory_runtime, client, admin):
    # Given a domain without directory integration
    make_domain(directory_runtime, "a.test", None)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    refused = set_password(boss, "secret")
    allowed = set_password(admin, "secret")

    assert error_codes(refused) == ["FEATURE_DISABLED"]
    assert allowed["errors"] == []


def test_other_domains_directory_looks_missing(directory_runtime, client, ldap_url):
    make_domain(directory_runtime, "a.test", ldap_url)
    make_domain(directory_runtime, "b.test", ldap_url)
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    refused = set_password(boss, "secret", domain="b.test")
    asked = boss.raw(PASSWORD_SET, {"domain": "b.test"})

    assert error_codes(refused) == ["DOMAIN_NOT_FOUND"]
    assert asked["errors"][0]["extensions"]["code"] == "DOMAIN_NOT_FOUND"
