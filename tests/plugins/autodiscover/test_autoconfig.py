from xml.etree import ElementTree as ET

import pytest

from plugins.autodiscover.autoconfig import build_autoconfig
from plugins.autodiscover.settings import AutodiscoverSettings

SERVER = "mail.example.com"


def parse(answer: bytes) -> ET.Element:
    assert answer.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(answer)


def fields(element: ET.Element) -> dict[str, str]:
    return {child.tag: child.text for child in element}


def mail_server(port: str, socket_type: str) -> dict[str, str]:
    return {
        "hostname": SERVER,
        "port": port,
        "socketType": socket_type,
        "username": "%EMAILADDRESS%",
        "authentication": "password-cleartext",
    }


def test_autoconfig_has_client_config_shape(settings):
    root = parse(build_autoconfig("example.com", SERVER, settings))

    assert root.tag == "clientConfig"
    assert root.get("version") == "1.1"
    (provider,) = root.findall("emailProvider")
    assert provider.get("id") == "example.com"
    assert provider.findtext("domain") == "example.com"
    assert provider.findtext("displayName") == "example.com"


def test_autoconfig_lists_mail_servers_field_by_field(settings):
    provider = parse(build_autoconfig("example.com", SERVER, settings)).find(
        "emailProvider"
    )

    incoming = provider.findall("incomingServer")
    (outgoing,) = provider.findall("outgoingServer")

    assert [server.get("type") for server in incoming] == ["imap", "pop3"]
    assert fields(incoming[0]) == mail_server("993", "SSL")
    assert fields(incoming[1]) == mail_server("995", "SSL")
    assert outgoing.get("type") == "smtp"
    assert fields(outgoing) == mail_server("587", "STARTTLS")


def test_autoconfig_lists_dav_well_known_urls(settings):
    root = parse(build_autoconfig("example.com", SERVER, settings))

    calendar = root.find("calendar")
    address_book = root.find("addressBook")

    assert calendar.get("type") == "caldav"
    assert fields(calendar) == {
        "username": "%EMAILADDRESS%",
        "authentication": "http-basic",
        "serverURL": f"https://{SERVER}/.well-known/caldav",
    }
    assert address_book.get("type") == "carddav"
    assert address_book.findtext("serverURL") == f"https://{SERVER}/.well-known/carddav"


def test_plain_dav_on_custom_port_uses_http():
    settings = AutodiscoverSettings.model_validate(
        {"carddav": {"port": 8008, "encryption": "none"}}
    )

    root = parse(build_autoconfig("example.com", SERVER, settings))

    url = root.findtext("addressBook/serverURL")
    assert url == f"http://{SERVER}:8008/.well-known/carddav"


@pytest.mark.parametrize(
    ("encryption", "socket_type"),
    [("ssl_tls", "SSL"), ("starttls", "STARTTLS"), ("none", "plain")],
    ids=["ssl-tls", "starttls", "none"],
)
def test_encryption_maps_to_socket_type(encryption, socket_type):
    settings = AutodiscoverSettings.model_validate(
        {"imap": {"port": 143, "encryption": encryption}}
    )

    root = parse(build_autoconfig("example.com", SERVER, settings))

    assert root.findtext("emailProvider/incomingServer/socketType") == socket_type


def test_protocols_not_offered_are_left_out():
    settings = AutodiscoverSettings.model_validate(
        {name: {"offered": False} for name in ("pop", "caldav", "carddav")}
    )

    root = parse(build_autoconfig("example.com", SERVER, settings))

    incoming = root.findall("emailProvider/incomingServer")
    assert [server.get("type") for server in incoming] == ["imap"]
    assert root.find("calendar") is None
    assert root.find("addressBook") is None


def test_autoconfig_names_no_user_at_all(settings):
    root = parse(build_autoconfig("example.com", SERVER, settings))

    usernames = {element.text for element in root.iter("username")}

    assert usernames == {"%EMAILADDRESS%"}


def test_display_name_is_escaped_in_autoconfig(settings):
    answer = build_autoconfig("example.com", SERVER, settings, "Ex & <Co>")

    assert parse(answer).findtext("emailProvider/displayName") == "Ex & <Co>"
