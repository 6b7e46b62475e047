"""The LDAP client on its own: what it binds as, and with which password."""

import pytest

from plugins.directory import client
from plugins.directory.client import DirectoryConfig
from plugins.directory.errors import DirectoryUnavailable
from tests.plugins.directory.conftest import BASE_DN, PEOPLE, READER_DN, READER_PASSWORD
from tests.plugins.directory.fake_servers import HTTP_REPLY, fake_server


def config_for(url: str) -> DirectoryConfig:
    return DirectoryConfig(
        url=url,
        bind_dn=READER_DN,
        bind_password=READER_PASSWORD,
        base_dn=BASE_DN,
        user_filter="(objectClass=inetOrgPerson)",
        login_attribute="uid",
        display_name_attribute="cn",
        start_tls=False,
    )


def test_entry_without_dn_never_binds(ldap_url, monkeypatch):
    # Given a directory whose search answers with an entry of empty DN,
    # which a bind would take as anonymous
    monkeypatch.setattr(client, "_find_dn", lambda *args: "")

    proved = client.verify_password(config_for(ldap_url), "alice", "any")

    assert proved is False


def test_user_bind_proves_the_password(ldap_url):
    config = config_for(ldap_url)

    right = client.verify_password(config, "alice", PEOPLE["alice"][1])
    wrong = client.verify_password(config, "alice", PEOPLE["bob"][1])

    assert (right, wrong) == (True, False)


def test_client_gives_up_on_a_silent_server_soon(monkeypatch):
    # Given a record of how connections to the directory are made
    seen = {}

    def recording(kind, real):
        def make(*args, **kwargs):
            seen[kind] = kwargs
            return real(*args, **kwargs)

        return make

    for kind, name in (("server", "Server"), ("connection", "Connection")):
        monkeypatch.setattr(client, name, recording(kind, getattr(client, name)))

    # When a password is checked against a server that speaks no LDAP
    with fake_server(HTTP_REPLY) as web, pytest.raises(DirectoryUnavailable):
        client.verify_password(config_for(web.url), "alice", "any")

    # Then a login would have waited at most 3 s to connect, 5 s for answers
    assert seen["server"]["connect_timeout"] == 3
    assert seen["connection"]["receive_timeout"] == 5
