from xml.etree import ElementTree as ET

import pytest

from plugins.autodiscover.requests import RequestKind
from plugins.autodiscover.responses import (
    Account,
    DesktopErrorCode,
    build_default_response,
    build_desktop_error,
    build_desktop_response,
    build_mobile_error,
    build_mobile_response,
)
from plugins.autodiscover.settings import AutodiscoverSettings

SERVER = "mail.example.com"
NS = {
    "r": "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006",
    "d": "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a",
    "m": "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006",
}
DESKTOP = {"imap", "pop", "smtp", "ews"}


def parse(answer: bytes) -> ET.Element:
    assert answer.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(answer)


def text(element: ET.Element, path: str) -> str | None:
    return element.findtext(path, namespaces=NS)


def localname(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def protocols(answer: bytes) -> dict[str, dict[str, str]]:
    root = parse(answer)
    found = root.findall("d:Response/d:Account/d:Protocol", NS)
    return {
        text(protocol, "d:Type"): {localname(child): child.text for child in protocol}
        for protocol in found
    }


def test_desktop_answer_has_published_outer_shape(account, settings):
    root = parse(build_desktop_response(account, SERVER, settings, DESKTOP))

    assert root.tag == f"{{{NS['r']}}}Autodiscover"
    assert [child.tag for child in root] == [f"{{{NS['d']}}}Response"]
    assert text(root, "d:Response/d:User/d:DisplayName") == "Jane Doe"
    assert (
        text(root, "d:Response/d:User/d:AutoDiscoverSMTPAddress") == "jane@example.com"
    )
    assert text(root, "d:Response/d:Account/d:AccountType") == "email"
    assert text(root, "d:Response/d:Account/d:Action") == "settings"


def test_desktop_answer_lists_protocols_field_by_field(account, settings):
    answer = build_desktop_response(account, SERVER, settings, DESKTOP)

    found = protocols(answer)

    common = {
        "Server": SERVER,
        "LoginName": "jane@example.com",
        "DomainRequired": "off",
        "SPA": "off",
        "SSL": "on",
        "AuthRequired": "on",
    }
    assert list(found) == ["IMAP", "POP3", "SMTP", "EXPR"]
    assert found["IMAP"] == {
        "Type": "IMAP",
        "Port": "993",
        "Encryption": "SSL",
        **common,
    }
    assert found["POP3"] == {
        "Type": "POP3",
        "Port": "995",
        "Encryption": "SSL",
        **common,
    }
    assert found["SMTP"] == {
        "Type": "SMTP",
        "Port": "587",
        "Encryption": "TLS",
        **common,
    }
    assert found["EXPR"] == {
        "Type": "EXPR",
        "Port": "443",
        "EwsUrl": f"https://{SERVER}/EWS/Exchange.asmx",
        "Encryption": "SSL",
        **common,
    }


def test_desktop_protocol_children_follow_schema_order(account, settings):
    root = parse(build_desktop_response(account, SERVER, settings, {"ews"}))

    (protocol,) = root.findall("d:Response/d:Account/d:Protocol", NS)

    assert [localname(child) for child in protocol] == [
        "Type",
        "Server",
        "Port",
        "EwsUrl",
        "LoginName",
        "DomainRequired",
        "SPA",
        "SSL",
        "Encryption",
        "AuthRequired",
    ]


@pytest.mark.parametrize(
    ("allowed", "expected"),
    [
        pytest.param({"imap", "smtp"}, ["IMAP", "SMTP"], id="imap-smtp"),
        pytest.param({"pop", "smtp", "eas"}, ["POP3", "SMTP"], id="pop-smtp"),
        pytest.param({"ews"}, ["EXPR"], id="ews-only"),
        pytest.param(
            {"imap", "pop", "smtp", "ews", "eas"},
            ["IMAP", "POP3", "SMTP", "EXPR"],
            id="all",
        ),
    ],
)
def test_desktop_answer_follows_user_service_access(
    account, settings, allowed, expected
):
    answer = build_desktop_response(account, SERVER, settings, allowed)

    assert list(protocols(answer)) == expected


def test_desktop_answer_skips_protocols_not_offered(account):
    settings = AutodiscoverSettings.model_validate(
        {"pop": {"offered": False}, "ews": {"offered": False}}
    )

    answer = build_desktop_response(account, SERVER, settings, DESKTOP)

    assert list(protocols(answer)) == ["IMAP", "SMTP"]


def test_unencrypted_protocol_turns_ssl_off(account):
    settings = AutodiscoverSettings.model_validate(
        {"imap": {"port": 143, "encryption": "none"}}
    )

    found = protocols(build_desktop_response(account, SERVER, settings, {"imap"}))

    assert found["IMAP"]["Port"] == "143"
    assert found["IMAP"]["SSL"] == "off"
    assert found["IMAP"]["Encryption"] == "None"


def test_ews_url_carries_non_default_port(account):
    settings = AutodiscoverSettings.model_validate({"ews": {"port": 8443}})

    found = protocols(build_desktop_response(account, SERVER, settings, {"ews"}))

    assert found["EXPR"]["EwsUrl"] == f"https://{SERVER}:8443/EWS/Exchange.asmx"


def test_desktop_answer_without_protocols_is_error(account, settings):
    root = parse(build_desktop_response(account, SERVER, settings, {"eas"}))

    assert text(root, "r:Response/r:Error/r:ErrorCode") == "501"
    assert text(root, "r:Response/r:Error/r:Message")
    assert root.find("d:Response", NS) is None


def test_mobile_answer_has_published_shape(account, settings):
    root = parse(build_mobile_response(account, SERVER, settings, {"eas"}))

    url = f"https://{SERVER}/Microsoft-Server-ActiveSync"
    assert root.tag == f"{{{NS['r']}}}Autodiscover"
    assert text(root, "m:Response/m:Culture") == "en:us"
    assert text(root, "m:Response/m:User/m:DisplayName") == "Jane Doe"
    assert text(root, "m:Response/m:User/m:EMailAddress") == "jane@example.com"
    (server,) = root.findall("m:Response/m:Action/m:Settings/m:Server", NS)
    assert [localname(child) for child in server] == ["Type", "Url", "Name"]
    assert text(server, "m:Type") == "MobileSync"
    assert text(server, "m:Url") == url
    assert text(server, "m:Name") == url


def test_mobile_url_carries_non_default_port(account):
    settings = AutodiscoverSettings.model_validate({"eas": {"port": 4443}})

    root = parse(build_mobile_response(account, SERVER, settings, {"eas"}))

    url = text(root, "m:Response/m:Action/m:Settings/m:Server/m:Url")
    assert url == f"https://{SERVER}:4443/Microsoft-Server-ActiveSync"


@pytest.mark.parametrize(
    ("allowed", "eas"),
    [
        pytest.param(DESKTOP, {}, id="not-in-service-access"),
        pytest.param({"eas"}, {"offered": False}, id="not-offered"),
    ],
)
def test_mobile_answer_without_activesync_is_error(account, allowed, eas):
    settings = AutodiscoverSettings.model_validate({"eas": eas})

    root = parse(build_mobile_response(account, SERVER, settings, allowed))

    assert text(root, "m:Response/m:User/m:EMailAddress") == "jane@example.com"
    assert text(root, "m:Response/m:Action/m:Error/m:Status") == "2"
    assert text(root, "m:Response/m:Action/m:Error/m:Message")
    assert root.find("m:Response/m:Action/m:Settings", NS) is None


def test_default_response_dispatches_on_kind(account, settings, every_protocol):
    desktop = build_default_response(
        RequestKind.DESKTOP, account, SERVER, settings, every_protocol
    )
    mobile = build_default_response(
        RequestKind.MOBILE, account, SERVER, settings, every_protocol
    )

    assert desktop == build_desktop_response(account, SERVER, settings, every_protocol)
    assert mobile == build_mobile_response(account, SERVER, settings, every_protocol)


def test_special_characters_survive_desktop_answer(awkward_account, settings):
    answer = build_desktop_response(awkward_account, SERVER, settings, DESKTOP)

    root = parse(answer)
    assert text(root, "d:Response/d:User/d:DisplayName") == awkward_account.display_name
    assert (
        text(root, "d:Response/d:User/d:AutoDiscoverSMTPAddress")
        == awkward_account.email
    )
    assert {p["LoginName"] for p in protocols(answer).values()} == {
        awkward_account.login_name
    }


def test_special_characters_survive_mobile_answers(awkward_account, settings):
    answer = parse(build_mobile_response(awkward_account, SERVER, settings, {"eas"}))
    error = parse(build_mobile_error(awkward_account.email, "<&>"))

    assert (
        text(answer, "m:Response/m:User/m:DisplayName") == awkward_account.display_name
    )
    assert text(answer, "m:Response/m:User/m:EMailAddress") == awkward_account.email
    assert text(error, "m:Response/m:User/m:EMailAddress") == awkward_account.email
    assert text(error, "m:Response/m:Action/m:Error/m:Message") == "<&>"


def test_non_ascii_names_are_encoded_as_utf8(settings):
    account = Account("zoë@exämple.com", "Zoë Ångström 山田", "zoë@exämple.com")

    answer = build_mobile_response(account, SERVER, settings, {"eas"})

    assert "Zoë Ångström 山田".encode() in answer
    assert text(parse(answer), "m:Response/m:User/m:DisplayName") == "Zoë Ångström 山田"


def test_characters_xml_cannot_carry_are_dropped(settings):
    account = Account("jane@example.com", "Jane\x00\x1b Doe\ufffe", "jane")

    answer = build_mobile_response(account, SERVER, settings, {"eas"})

    assert text(parse(answer), "m:Response/m:User/m:DisplayName") == "Jane Doe"


def test_desktop_error_has_published_shape():
    root = parse(build_desktop_error(DesktopErrorCode.INVALID_REQUEST, "Bad <request>"))

    (error,) = root.findall("r:Response/r:Error", NS)
    assert [localname(child) for child in error] == [
        "ErrorCode",
        "Message",
        "DebugData",
    ]
    assert text(error, "r:ErrorCode") == "600"
    assert text(error, "r:Message") == "Bad <request>"
