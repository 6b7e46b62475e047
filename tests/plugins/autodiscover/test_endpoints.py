"""The autodiscover endpoint, over HTTP, as mail clients call it."""

import pytest

from tests.plugins.autodiscover.endpoints import (
    DESKTOP,
    DESKTOP_HEADERS,
    DOMAIN,
    JANE,
    MOBILE,
    PATH,
    RESPONSE,
    SERVER,
    add_domain_alias,
    add_example_domain,
    add_user,
    ask_desktop,
    ask_mobile,
    basic,
    desktop_error_code,
    desktop_protocols,
    desktop_request,
    give_access,
    mail_protocol,
    parse,
)
from tests.plugins.autodiscover.test_requests import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    OVERSIZED,
)

# A name and an address XML cannot carry unescaped.
AWKWARD_EMAIL = "o'neil&co@example.com"
AWKWARD_NAME = 'Tom & "Jerry" <o\'Neil>'


@pytest.fixture
def jane(plugin_runtime) -> str:
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE, display_name="Jane Doe")
    return JANE


def test_desktop_request_gets_each_offered_protocol(http, jane):
    # Given Jane, with every mail protocol allowed and no EWS access

    # When her desktop mail program asks
    root = parse(ask_desktop(http))

    # Then the answer names her and announces IMAP, POP3 and SMTP in order
    response = root.find(f"{DESKTOP}Response")
    assert root.tag == f"{RESPONSE}Autodiscover"
    assert response.findtext(f"{DESKTOP}User/{DESKTOP}DisplayName") == "Jane Doe"
    assert response.findtext(f"{DESKTOP}User/{DESKTOP}AutoDiscoverSMTPAddress") == JANE
    assert response.findtext(f"{DESKTOP}Account/{DESKTOP}AccountType") == "email"
    assert response.findtext(f"{DESKTOP}Account/{DESKTOP}Action") == "settings"
    assert desktop_protocols(root) == {
        "IMAP": {"Type": "IMAP", **mail_protocol("993", "on", "SSL")},
        "POP3": {"Type": "POP3", **mail_protocol("995", "on", "SSL")},
        "SMTP": {"Type": "SMTP", **mail_protocol("587", "on", "TLS")},
    }


@pytest.mark.parametrize(
    "path",
    [
        "/autodiscover/autodiscover.xml",
        "/AutoDiscover/AutoDiscover.xml",
        "/AUTODISCOVER/AUTODISCOVER.XML",
    ],
)
def test_endpoint_path_matches_any_letter_case(http, jane, path):
    response = http.post(
        path, content=desktop_request(), headers=DESKTOP_HEADERS | basic(JANE)
    )

    assert set(desktop_protocols(parse(response))) == {"IMAP", "POP3", "SMTP"}


def test_caseless_path_leaves_other_routes_alone(http, jane):
    response = http.post("/GraphQL", json={"query": "{ __typename }"})

    assert response.status_code == 404


def test_endpoint_refuses_get_with_405(http, jane):
    response = http.get(PATH, headers=basic(JANE))

    assert response.status_code == 405


def test_service_access_removes_protocols_domain_offers(http, plugin_runtime):
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE, access={"pop": False, "smtp": False})

    root = parse(ask_desktop(http))

    assert list(desktop_protocols(root)) == ["IMAP"]


def test_domain_settings_choose_protocols_and_ports(http, plugin_runtime):
    settings = {
        "autodiscover": {
            "imap": {"port": 143, "encryption": "starttls"},
            "pop": {"offered": False},
            "smtp": {"port": 25, "encryption": "none"},
        }
    }
    add_example_domain(plugin_runtime, settings)
    add_user(plugin_runtime, JANE)

    protocols = desktop_protocols(parse(ask_desktop(http)))

    assert protocols == {
        "IMAP": {"Type": "IMAP", **mail_protocol("143", "on", "TLS")},
        "SMTP": {"Type": "SMTP", **mail_protocol("25", "off", "None")},
    }


def test_server_is_the_domain_hostname(http, plugin_runtime, admin):
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE)
    admin.mutate(
        "mutation U($input: DomainUpdateInput!) "
        "{ updateDomain(input: $input) { errors { code } } }",
        {"name": DOMAIN, "hostname": "imap.example.net"},
    )

    protocols = desktop_protocols(parse(ask_desktop(http)))

    assert {p["Server"] for p in protocols.values()} == {"imap.example.net"}


def test_ews_is_announced_with_mapi_ews_access(http, plugin_runtime, jane):
    give_access(plugin_runtime, JANE, ews=True)

    protocols = desktop_protocols(parse(ask_desktop(http)))

    assert list(protocols) == ["IMAP", "POP3", "SMTP", "EXPR"]
    assert protocols["EXPR"] == {
        "Type": "EXPR",
        "EwsUrl": f"https://{SERVER}/EWS/Exchange.asmx",
        **mail_protocol("443", "on", "SSL"),
    }


def test_mobile_request_gets_sync_url_with_eas(http, plugin_runtime, jane):
    # Given Jane with EAS access
    give_access(plugin_runtime, JANE, eas=True)

    # When her phone asks
    root = parse(ask_mobile(http))

    # Then the answer gives the EAS server's URL
    response = root.find(f"{MOBILE}Response")
    url = f"https://{SERVER}/Microsoft-Server-ActiveSync"
    assert root.tag == f"{RESPONSE}Autodiscover"
    assert response.findtext(f"{MOBILE}Culture") == "en:us"
    assert response.findtext(f"{MOBILE}User/{MOBILE}DisplayName") == "Jane Doe"
    assert response.findtext(f"{MOBILE}User/{MOBILE}EMailAddress") == JANE
    server = response.find(f"{MOBILE}Action/{MOBILE}Settings/{MOBILE}Server")
    assert {child.tag.removeprefix(MOBILE): child.text for child in server} == {
        "Type": "MobileSync",
        "Url": url,
        "Name": url,
    }


def test_mobile_request_without_eas_access_gets_error(http, jane):
    root = parse(ask_mobile(http))

    error = root.find(f"{MOBILE}Response/{MOBILE}Action/{MOBILE}Error")
    assert error.findtext(f"{MOBILE}Status") == "2"
    assert root.find(f".//{MOBILE}Settings") is None


def test_user_without_any_protocol_gets_error(http, plugin_runtime):
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE, access={"pop": False, "imap": False, "smtp": False})

    root = parse(ask_desktop(http))

    assert desktop_error_code(root) == "501"
    assert desktop_protocols(root) == {}


def test_answer_escapes_awkward_address_and_name(http, plugin_runtime):
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, AWKWARD_EMAIL, display_name=AWKWARD_NAME)

    root = parse(ask_desktop(http, AWKWARD_EMAIL))

    user = root.find(f"{DESKTOP}Response/{DESKTOP}User")
    assert user.findtext(f"{DESKTOP}DisplayName") == AWKWARD_NAME
    assert user.findtext(f"{DESKTOP}AutoDiscoverSMTPAddress") == AWKWARD_EMAIL
    logins = {p["LoginName"] for p in desktop_protocols(root).values()}
    assert logins == {AWKWARD_EMAIL}


def test_domain_alias_address_gets_primary_address(http, plugin_runtime, jane):
    add_domain_alias(plugin_runtime, "example.org")

    root = parse(ask_desktop(http, "Jane@Example.ORG"))

    user = root.find(f"{DESKTOP}Response/{DESKTOP}User")
    assert user.findtext(f"{DESKTOP}AutoDiscoverSMTPAddress") == JANE
    assert {p["LoginName"] for p in desktop_protocols(root).values()} == {JANE}


def test_asking_for_another_address_gets_error(http, plugin_runtime, jane):
    add_user(plugin_runtime, "bob@example.com")

    root = parse(ask_desktop(http, "bob@example.com", login=JANE))

    assert desktop_error_code(root) == "500"
    assert desktop_protocols(root) == {}


# Refusals.


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-credentials"),
        pytest.param({"Authorization": "Bearer abc"}, id="other-scheme"),
        pytest.param({"Authorization": "Basic !!!"}, id="not-base64"),
        pytest.param(basic(JANE, "wrong-password"), id="wrong-password"),
        pytest.param(basic("nobody@example.com"), id="unknown-address"),
        pytest.param(basic("nobody@nowhere.test"), id="unknown-domain"),
        pytest.param(basic("not an address"), id="not-an-address"),
    ],
)
def test_refused_credentials_get_same_challenge(http, jane, headers):
    response = http.post(
        PATH, content=desktop_request(), headers=DESKTOP_HEADERS | headers
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Basic realm="')
    assert response.content == b""


def test_disabled_user_is_refused(http, plugin_runtime, admin, jane):
    admin.mutate(
        "mutation U($input: UserUpdateInput!) "
        "{ updateUser(input: $input) { errors { code } } }",
        {"email": JANE, "status": "DISABLED"},
    )

    response = ask_desktop(http)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_ENTITY, id="external-entity"),
        pytest.param(OVERSIZED, id="oversized"),
        pytest.param(desktop_request()[:-3], id="malformed"),
    ],
)
def test_unsafe_or_malformed_body_gets_bare_400(http, jane, body):
    response = http.post(PATH, content=body, headers=DESKTOP_HEADERS | basic(JANE))

    assert response.status_code == 400
    assert response.content == b""


def test_right_password_is_checked_before_body(http, jane):
    response = http.post(
        PATH, content=BILLION_LAUGHS, headers=basic(JANE, "wrong-password")
    )

    assert response.status_code == 401


def test_password_holding_colon_is_accepted(http, plugin_runtime):
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE, password="pass:word:1")

    response = ask_desktop(http, password="pass:word:1")

    assert response.status_code == 200
