"""setAutodiscoverOverride and generateAutodiscoverXml over GraphQL, the
answers clients then get, and the section in the defaults template."""

import base64
from xml.etree import ElementTree as ET

import pytest

from plugins.autodiscover.service import MAX_OVERRIDE_LENGTH
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain
from tests.plugins.autodiscover.endpoints import (
    DESKTOP,
    DOMAIN,
    JANE,
    MOBILE,
    add_example_domain,
    add_user,
    ask_desktop,
    ask_mobile,
    desktop_protocols,
    give_access,
    parse,
)

SET_OVERRIDE = """
mutation Set($input: AutodiscoverOverrideInput!) {
  setAutodiscoverOverride(input: $input) {
    override { domain kind enabled xml }
    errors { field code }
  }
}
"""

GENERATE = """
query Generate($domain: String!, $kind: AutodiscoverKind!) {
  generateAutodiscoverXml(domain: $domain, kind: $kind)
}
"""

UPDATE_DEFAULTS = """
mutation Update($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) { errors { field code } }
}
"""

PROPAGATE = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) { domainsChanged errors { field code } }
}
"""

DOMAIN_SETTINGS = """
query Domain($name: String!) {
  domain(name: $name) {
    settings { autodiscover { imap { offered port encryption } desktopOverride } }
  }
}
"""

TEMPLATE = (
    "<Answer><Mail>%EmailAddress%</Mail><Key>%Base64EmailAddress%</Key>"
    "<Name>%DisplayName%</Name></Answer>"
)
AWKWARD_EMAIL = "o'neil&co@example.com"
AWKWARD_NAME = 'Tom & "Jerry" <o\'Neil>'


@pytest.fixture
def jane(plugin_runtime) -> str:
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, JANE, display_name="Jane Doe")
    return JANE


def set_override(client, kind: str = "DESKTOP", **fields) -> dict:
    return client.mutate(
        SET_OVERRIDE, {"domain": DOMAIN, "kind": kind, "enabled": True, **fields}
    )


def test_saved_override_is_sent_with_variables(admin, http, plugin_runtime):
    # Given a user whose address and name XML must escape
    add_example_domain(plugin_runtime)
    add_user(plugin_runtime, AWKWARD_EMAIL, display_name=AWKWARD_NAME)

    # When the desktop override is saved with every variable
    payload = set_override(admin, xml=TEMPLATE)
    response = ask_desktop(http, AWKWARD_EMAIL)

    # Then the saved XML goes out with the user's values, escaped
    assert payload == {
        "override": {
            "domain": DOMAIN,
            "kind": "DESKTOP",
            "enabled": True,
            "xml": TEMPLATE,
        },
        "errors": [],
    }
    answer = parse(response)
    assert answer.findtext("Mail") == AWKWARD_EMAIL
    assert base64.b64decode(answer.findtext("Key")).decode() == AWKWARD_EMAIL
    assert answer.findtext("Name") == AWKWARD_NAME


def test_override_without_saved_xml_sends_default(admin, http, jane):
    payload = set_override(admin)

    root = parse(ask_desktop(http))

    assert payload["override"]["xml"] is None
    assert list(desktop_protocols(root)) == ["IMAP", "POP3", "SMTP"]


def test_blank_saved_override_sends_blank_answer(admin, http, jane):
    set_override(admin, xml="")

    response = ask_desktop(http)

    assert response.status_code == 200
    assert response.content == b""


def test_mobile_override_leaves_desktop_default(admin, http, plugin_runtime, jane):
    give_access(plugin_runtime, JANE, eas=True)
    set_override(admin, "MOBILE", xml="<m>%EmailAddress%</m>")

    mobile = parse(ask_mobile(http))
    desktop = parse(ask_desktop(http))

    assert mobile.tag == "m" and mobile.text == JANE
    assert list(desktop_protocols(desktop)) == ["IMAP", "POP3", "SMTP"]


def test_turning_override_off_keeps_saved_xml(admin, http, jane):
    set_override(admin, xml="<custom/>")

    payload = set_override(admin, enabled=False)

    assert payload["override"] == {
        "domain": DOMAIN,
        "kind": "DESKTOP",
        "enabled": False,
        "xml": "<custom/>",
    }
    assert list(desktop_protocols(parse(ask_desktop(http)))) == [
        "IMAP",
        "POP3",
        "SMTP",
    ]


def test_null_xml_forgets_saved_override(admin, http, jane):
    set_override(admin, xml="<custom/>")

    payload = set_override(admin, xml=None)

    assert payload["override"]["xml"] is None and payload["override"]["enabled"]
    assert len(desktop_protocols(parse(ask_desktop(http)))) == 3


def test_override_longer_than_limit_is_refused(admin, jane):
    payload = set_override(admin, xml="x" * (MAX_OVERRIDE_LENGTH + 1))

    assert payload["override"] is None
    assert payload["errors"] == [{"field": "xml", "code": "TOO_LONG"}]


@pytest.mark.parametrize(
    ("kind", "root_child"),
    [("DESKTOP", f"{DESKTOP}Response"), ("MOBILE", f"{MOBILE}Response")],
    ids=["desktop", "mobile"],
)
def test_generated_xml_is_default_with_variables(admin, jane, kind, root_child):
    xml = admin.execute(GENERATE, {"domain": DOMAIN, "kind": kind})

    root = ET.fromstring(xml["generateAutodiscoverXml"])
    assert root.find(root_child) is not None
    texts = {element.text for element in root.iter()}
    assert {"%EmailAddress%", "%DisplayName%"} <= texts


def test_generated_xml_feeds_override_round_trip(admin, http, jane):
    xml = admin.execute(GENERATE, {"domain": DOMAIN, "kind": "DESKTOP"})

    set_override(admin, xml=xml["generateAutodiscoverXml"])
    root = parse(ask_desktop(http))

    user = root.find(f"{DESKTOP}Response/{DESKTOP}User")
    assert user.findtext(f"{DESKTOP}DisplayName") == "Jane Doe"
    assert {p["LoginName"] for p in desktop_protocols(root).values()} == {JANE}


# Who may call: system administrators, and the domain's own administrators.


def test_domain_admin_sets_own_domain_override(client, jane):
    boss = client.as_token(client.login(f"admin@{DOMAIN}", PASSWORD))

    payload = set_override(boss, xml="<custom/>")
    generated = boss.raw(GENERATE, {"domain": DOMAIN, "kind": "MOBILE"})

    assert payload["errors"] == []
    assert "errors" not in generated


@pytest.mark.parametrize(
    "login",
    [
        pytest.param("admin@other.test", id="other-domain-admin"),
        pytest.param(JANE, id="user-of-domain"),
        pytest.param(None, id="anonymous"),
    ],
)
def test_outsiders_get_same_refusal_as_missing_domain(
    client, plugin_runtime, jane, login
):
    add_domain(plugin_runtime, "other.test")
    caller = client.as_token(client.login(login, PASSWORD) if login else None)

    refusals = [
        (
            error_codes(set_override(caller, domain=name)),
            caller.raw(GENERATE, {"domain": name, "kind": "DESKTOP"})["errors"][0][
                "extensions"
            ]["code"],
        )
        for name in (DOMAIN, "missing.test")
    ]

    expected = "UNAUTHENTICATED" if login is None else "DOMAIN_NOT_FOUND"
    assert refusals == [([expected], expected)] * 2


# The section is in the defaults template and propagates like core's.


def test_autodiscover_imap_port_propagates_to_domains(admin, plugin_runtime):
    # Given two domains and a template whose IMAP port differs
    add_domain(plugin_runtime, "a.test")
    add_domain(plugin_runtime, "b.test")
    imap = {"port": 143, "encryption": "STARTTLS"}
    update = admin.mutate(
        UPDATE_DEFAULTS, {"settings": {"autodiscover": {"imap": imap}}}
    )

    # When the template's IMAP entry is propagated
    result = admin.mutate(PROPAGATE, {"settings": ["autodiscover.imap"]})

    # Then both domains announce the port, and nothing else changed
    assert update["errors"] == [] and result["errors"] == []
    assert result["domainsChanged"] == 2
    for name in ("a.test", "b.test"):
        domain = admin.execute(DOMAIN_SETTINGS, {"name": name})["domain"]
        assert domain["settings"]["autodiscover"] == {
            "imap": {"offered": True, "port": 143, "encryption": "STARTTLS"},
            "desktopOverride": False,
        }
