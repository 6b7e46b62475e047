"""The autoconfig endpoints: a domain's servers, for anyone who asks."""

import pytest

from tests.plugins.autodiscover.endpoints import (
    DOMAIN,
    JANE,
    SERVER,
    add_domain_alias,
    add_example_domain,
    add_user,
    parse,
)

QUERY_PATH = "/mail/config-v1.1.xml"
WELL_KNOWN_PATH = "/.well-known/autoconfig/mail/config-v1.1.xml"


@pytest.fixture
def jane(plugin_runtime) -> str:
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE)
    return JANE


def fields(element) -> dict[str, str]:
    return {child.tag: child.text for child in element}


def mail_server(port: str, socket_type: str) -> dict[str, str]:
    return {
        "hostname": SERVER,
        "port": port,
        "socketType": socket_type,
        "username": "%EMAILADDRESS%",
        "authentication": "password-cleartext",
    }


def test_autoconfig_lists_domain_mail_servers(http, jane):
    # Given a domain with the default protocols

    # When a client asks about one of its addresses, with no credentials
    response = http.get(QUERY_PATH, params={"emailaddress": JANE})

    # Then the answer lists the domain's incoming and outgoing servers
    root = parse(response)
    provider = root.find("emailProvider")
    assert root.tag == "clientConfig" and root.get("version") == "1.1"
    assert provider.get("id") == DOMAIN
    assert provider.findtext("domain") == DOMAIN
    incoming = {e.get("type"): fields(e) for e in provider.iter("incomingServer")}
    assert incoming == {
        "imap": mail_server("993", "SSL"),
        "pop3": mail_server("995", "SSL"),
    }
    outgoing = provider.find("outgoingServer")
    assert outgoing.get("type") == "smtp"
    assert fields(outgoing) == mail_server("587", "STARTTLS")
    assert fields(root.find("calendar"))["serverURL"] == (
        f"https://{SERVER}/.well-known/caldav"
    )


def test_well_known_path_gives_same_answer(http, jane):
    query = http.get(QUERY_PATH, params={"emailaddress": JANE})
    well_known = http.get(WELL_KNOWN_PATH, params={"emailaddress": JANE})

    assert well_known.status_code == 200
    assert well_known.content == query.content


def test_answer_reveals_nothing_about_the_address(http, jane):
    known = http.get(QUERY_PATH, params={"emailaddress": JANE})
    unknown = http.get(QUERY_PATH, params={"emailaddress": f"nobody@{DOMAIN}"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert b"jane" not in known.content


def test_autoconfig_host_names_the_domain(http, jane):
    response = http.get(QUERY_PATH, headers={"Host": f"autoconfig.{DOMAIN}"})

    assert parse(response).find("emailProvider").get("id") == DOMAIN


def test_domain_alias_gets_its_domain_servers(http, plugin_runtime, jane):
    add_domain_alias(plugin_runtime, "example.org")

    response = http.get(QUERY_PATH, params={"emailaddress": "jane@example.org"})

    provider = parse(response).find("emailProvider")
    assert provider.findtext("domain") == "example.org"
    assert provider.find("incomingServer").findtext("hostname") == SERVER


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"emailaddress": "jane@nowhere.test"}, id="unknown-domain"),
        pytest.param({"emailaddress": "not-an-address"}, id="not-an-address"),
        pytest.param({"emailaddress": "jane@bad..name"}, id="bad-domain-name"),
        pytest.param({}, id="no-address"),
    ],
)
def test_unknown_domain_gets_bare_404(http, jane, params):
    response = http.get(QUERY_PATH, params=params)

    assert response.status_code == 404
    assert response.content == b""
