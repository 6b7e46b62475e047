"""The autoconfig answer (clientConfig 1.1) that mail clients fetch by domain.

It is built from the domain's settings alone and names the user only through
the client-side ``%EMAILADDRESS%`` placeholder, so it reveals nothing about
whether an address exists.
"""

from xml.etree import ElementTree as ET

from plugins.autodiscover.responses import clean_xml_text, service_url, to_xml_bytes
from plugins.autodiscover.settings import (
    AutodiscoverSettings,
    Encryption,
    ProtocolSettings,
)

CLIENT_CONFIG_VERSION = "1.1"
USERNAME_PLACEHOLDER = "%EMAILADDRESS%"
MAIL_AUTHENTICATION = "password-cleartext"
DAV_AUTHENTICATION = "http-basic"

_SOCKET_TYPES = {
    Encryption.SSL_TLS: "SSL",
    Encryption.STARTTLS: "STARTTLS",
    Encryption.NONE: "plain",
}
# Mail servers: settings name, element and its type attribute, in answer order.
_MAIL_SERVERS = (
    ("imap", "incomingServer", "imap"),
    ("pop", "incomingServer", "pop3"),
    ("smtp", "outgoingServer", "smtp"),
)
# DAV services, found by clients through the well-known paths (RFC 6764).
_DAV_SERVICES = (
    ("caldav", "calendar", "/.well-known/caldav"),
    ("carddav", "addressBook", "/.well-known/carddav"),
)


def build_autoconfig(
    domain: str,
    server: str,
    settings: AutodiscoverSettings,
    display_name: str | None = None,
) -> bytes:
    """Build the domain's autoconfig answer from its offered protocols.

    Receives the domain name, the mail server's hostname and the section;
    ``display_name`` defaults to the domain name. Returns UTF-8 XML bytes.
    """
    root = ET.Element("clientConfig", version=CLIENT_CONFIG_VERSION)
    provider = ET.SubElement(root, "emailProvider", id=domain)
    _add(provider, "domain", domain)
    _add(provider, "displayName", display_name or domain)

    for name, tag, kind in _MAIL_SERVERS:
        protocol: ProtocolSettings = getattr(settings, name)
        if protocol.offered:
            _add_mail_server(provider, tag, kind, server, protocol)

    for name, tag, path in _DAV_SERVICES:
        protocol = getattr(settings, name)
        if protocol.offered:
            _add_dav_service(root, tag, name, service_url(server, protocol, path))
    return to_xml_bytes(root)


def _add_mail_server(
    parent: ET.Element, tag: str, kind: str, server: str, protocol: ProtocolSettings
) -> None:
    element = ET.SubElement(parent, tag, type=kind)
    _add(element, "hostname", server)
    _add(element, "port", str(protocol.port))
    _add(element, "socketType", _SOCKET_TYPES[protocol.encryption])
    _add(element, "username", USERNAME_PLACEHOLDER)
    _add(element, "authentication", MAIL_AUTHENTICATION)


def _add_dav_service(parent: ET.Element, tag: str, kind: str, url: str) -> None:
    element = ET.SubElement(parent, tag, type=kind)
    _add(element, "username", USERNAME_PLACEHOLDER)
    _add(element, "authentication", DAV_AUTHENTICATION)
    _add(element, "serverURL", url)


def _add(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = clean_xml_text(text)
