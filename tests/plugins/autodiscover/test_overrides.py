import base64
from xml.etree import ElementTree as ET

import pytest

from plugins.autodiscover.overrides import (
    choose_response,
    generate_default_xml,
    get_saved_override,
    render_override,
)
from plugins.autodiscover.requests import RequestKind
from plugins.autodiscover.responses import Account, build_default_response
from plugins.autodiscover.settings import AutodiscoverSettings

SERVER = "mail.example.com"
TEMPLATE = (
    "<Answer><Mail>%EmailAddress%</Mail><Key>%Base64EmailAddress%</Key>"
    "<Name title='%DisplayName%'>%DisplayName%</Name></Answer>"
)


def with_override(
    kind: RequestKind, enabled: bool, saved: str | None
) -> AutodiscoverSettings:
    return AutodiscoverSettings.model_validate(
        {f"{kind}_override": enabled, f"{kind}_xml": saved}
    )


def canonical(answer: bytes) -> str:
    return ET.canonicalize(answer.decode(), strip_text=True)


def test_variables_are_replaced_by_user_values(account):
    answer = ET.fromstring(render_override(TEMPLATE, account))

    assert answer.findtext("Mail") == "jane@example.com"
    assert answer.findtext("Key") == "amFuZUBleGFtcGxlLmNvbQ=="
    assert answer.findtext("Name") == "Jane Doe"
    assert answer.find("Name").get("title") == "Jane Doe"


def test_special_characters_are_escaped_in_overrides(awkward_account):
    rendered = render_override(TEMPLATE, awkward_account)

    answer = ET.fromstring(rendered)
    assert answer.findtext("Mail") == awkward_account.email
    assert answer.findtext("Name") == awkward_account.display_name
    assert answer.find("Name").get("title") == awkward_account.display_name
    assert b"&quot;" in rendered and b"&apos;" in rendered


def test_base64_variable_encodes_utf8_address():
    account = Account("zoë@exämple.com", "Zoë", "zoë@exämple.com")

    answer = ET.fromstring(render_override(TEMPLATE, account))

    assert base64.b64decode(answer.findtext("Key")).decode() == "zoë@exämple.com"


def test_values_holding_variables_are_not_expanded():
    account = Account("jane@example.com", "%EmailAddress%", "jane")

    rendered = render_override("%DisplayName%|%EmailAddress%", account)

    assert rendered == b"%EmailAddress%|jane@example.com"


@pytest.mark.parametrize(
    "saved",
    [
        pytest.param("", id="blank"),
        pytest.param("   \n", id="whitespace"),
        pytest.param("<not <xml at all", id="invalid-xml"),
        pytest.param("%emailaddress% %Unknown%", id="unknown-variables"),
    ],
)
def test_saved_text_is_otherwise_sent_unchanged(account, saved):
    assert render_override(saved, account) == saved.encode()


@pytest.mark.parametrize("kind", list(RequestKind), ids=str)
def test_override_off_sends_default_answer(account, every_protocol, kind):
    settings = with_override(kind, enabled=False, saved="<custom/>")

    answer = choose_response(kind, account, SERVER, settings, every_protocol)

    assert answer == build_default_response(
        kind, account, SERVER, settings, every_protocol
    )


@pytest.mark.parametrize("kind", list(RequestKind), ids=str)
def test_override_never_saved_sends_default_answer(account, every_protocol, kind):
    settings = with_override(kind, enabled=True, saved=None)

    answer = choose_response(kind, account, SERVER, settings, every_protocol)

    assert answer == build_default_response(
        kind, account, SERVER, settings, every_protocol
    )


@pytest.mark.parametrize("kind", list(RequestKind), ids=str)
def test_saved_override_replaces_default_answer(account, every_protocol, kind):
    settings = with_override(
        kind, enabled=True, saved="<custom>%EmailAddress%</custom>"
    )

    answer = choose_response(kind, account, SERVER, settings, every_protocol)

    assert answer == b"<custom>jane@example.com</custom>"


@pytest.mark.parametrize("kind", list(RequestKind), ids=str)
def test_blank_saved_override_sends_blank_answer(account, every_protocol, kind):
    settings = with_override(kind, enabled=True, saved="")

    answer = choose_response(kind, account, SERVER, settings, every_protocol)

    assert answer == b""


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        pytest.param(RequestKind.DESKTOP, {"eas"}, id="desktop"),
        pytest.param(RequestKind.MOBILE, {"imap", "smtp"}, id="mobile"),
    ],
)
def test_override_still_honours_service_access(account, kind, allowed):
    settings = with_override(kind, enabled=True, saved="<custom/>")

    answer = choose_response(kind, account, SERVER, settings, allowed)

    assert answer == build_default_response(kind, account, SERVER, settings, allowed)
    assert b"<Error>" in answer


def test_override_applies_despite_domain_offering_nothing(account, every_protocol):
    settings = AutodiscoverSettings.model_validate(
        {"eas": {"offered": False}, "mobile_override": True, "mobile_xml": "<m/>"}
    )

    answer = choose_response(
        RequestKind.MOBILE, account, SERVER, settings, every_protocol
    )

    assert answer == b"<m/>"


def test_each_kind_uses_its_own_override():
    settings = AutodiscoverSettings(
        desktop_override=True, desktop_xml="<desktop/>", mobile_xml="<mobile/>"
    )

    assert get_saved_override(RequestKind.DESKTOP, settings) == "<desktop/>"
    assert get_saved_override(RequestKind.MOBILE, settings) is None


def test_generated_desktop_default_holds_variables(settings):
    xml = generate_default_xml(RequestKind.DESKTOP, SERVER, settings)

    root = ET.fromstring(xml)
    assert "%DisplayName%" in xml and "%EmailAddress%" in xml
    logins = {
        element.text for element in root.iter() if element.tag.endswith("LoginName")
    }
    assert logins == {"%EmailAddress%"}


def test_generated_default_lists_every_offered_protocol():
    settings = AutodiscoverSettings.model_validate({"pop": {"offered": False}})

    xml = generate_default_xml(RequestKind.DESKTOP, SERVER, settings)

    types = [e.text for e in ET.fromstring(xml).iter() if e.tag.endswith("}Type")]
    assert types == ["IMAP", "SMTP", "EXPR"]


@pytest.mark.parametrize("kind", list(RequestKind), ids=str)
def test_rendered_template_matches_default_answer(
    awkward_account, settings, every_protocol, kind
):
    user = Account(
        awkward_account.email, awkward_account.display_name, awkward_account.email
    )
    template = generate_default_xml(kind, SERVER, settings)

    rendered = render_override(template, user)

    default = build_default_response(kind, user, SERVER, settings, every_protocol)
    assert canonical(rendered) == canonical(default)
