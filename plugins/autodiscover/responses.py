"""The generated autodiscover answers: desktop (POX) and mobile (ActiveSync).

Answers are built as element trees, so every value is escaped on output.
"""

import enum
import logging
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from plugins.autodiscover.requests import (
    DESKTOP_RESPONSE_SCHEMA,
    MOBILE_RESPONSE_SCHEMA,
    RequestKind,
)
from plugins.autodiscover.settings import (
    AutodiscoverSettings,
    Encryption,
    ProtocolSettings,
)

logger = logging.getLogger(__name__)

RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
ACTIVESYNC_PATH = "/Microsoft-Server-ActiveSync"
EWS_PATH = "/EWS/Exchange.asmx"
CULTURE = "en:us"

# Desktop protocols in answer order, with the type each is announced as. Web
# services go out as the internet-facing kind (EXPR), the one that carries
# an EwsUrl; the internal kind (EXCH) would send clients to a directory
# server that a hosted domain does not have.
_DESKTOP_TYPES = {"imap": "IMAP", "pop": "POP3", "smtp": "SMTP", "ews": "EXPR"}
_DESKTOP_ENCRYPTION = {
    Encryption.SSL_TLS: "SSL",
    Encryption.STARTTLS: "TLS",
    Encryption.NONE: "None",
}
# The protocols each kind of answer announces; service access to none of them
# means an error answer.
KIND_PROTOCOLS = {
    RequestKind.DESKTOP: tuple(_DESKTOP_TYPES),
    RequestKind.MOBILE: ("eas",),
}
# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class DesktopErrorCode(enum.IntEnum):
    """The error codes of a desktop error answer."""

    ADDRESS_NOT_FOUND = 500
    NO_CONFIGURATION = 501
    INVALID_REQUEST = 600
    SCHEMA_NOT_SUPPORTED = 601
    INTERNAL_ERROR = 603


@dataclass(frozen=True)
class Account:
    """The user an answer is for: address, display name and login name."""

    email: str
    display_name: str
    login_name: str


def build_default_response(
    kind: RequestKind,
    account: Account,
    server: str,
    settings: AutodiscoverSettings,
    allowed: Collection[str],
) -> bytes:
    """Build the generated answer of either kind; see the two builders."""
    builder = {
        RequestKind.DESKTOP: build_desktop_response,
        RequestKind.MOBILE: build_mobile_response,
    }[kind]
    return builder(account, server, settings, allowed)


def build_desktop_response(
    account: Account,
    server: str,
    settings: AutodiscoverSettings,
    allowed: Collection[str],
) -> bytes:
    """Announce each desktop protocol that is offered and in ``allowed``.

    ``allowed`` holds the protocol names (``imap``, ``pop``, ``smtp``,
    ``ews``) the user's service access permits. With none left, the answer
    is a desktop error.
    """
    names = offered_protocols(settings, allowed, KIND_PROTOCOLS[RequestKind.DESKTOP])
    if not names:
        message = "No protocol is available to this account."
        return build_desktop_error(DesktopErrorCode.NO_CONFIGURATION, message)

    root = ET.Element("Autodiscover", xmlns=RESPONSE_NS)
    response = _add(root, "Response", xmlns=DESKTOP_RESPONSE_SCHEMA)
    user = _add(response, "User")
    _add(user, "DisplayName", account.display_name)
    _add(user, "AutoDiscoverSMTPAddress", account.email)

    body = _add(response, "Account")
    _add(body, "AccountType", "email")
    _add(body, "Action", "settings")
    for name in names:
        _add_protocol(body, name, getattr(settings, name), account, server)

    logger.debug("Built a desktop autodiscover answer with %d protocols.", len(names))
    return to_xml_bytes(root)


def build_mobile_response(
    account: Account,
    server: str,
    settings: AutodiscoverSettings,
    allowed: Collection[str],
) -> bytes:
    """Announce the ActiveSync URL, or a mobile error when ``eas`` is unavailable."""
    if not offered_protocols(settings, allowed, KIND_PROTOCOLS[RequestKind.MOBILE]):
        message = "ActiveSync is not available to this account."
        return build_mobile_error(account.email, message)

    root, response = _mobile_root()
    user = _add(response, "User")
    _add(user, "DisplayName", account.display_name)
    _add(user, "EMailAddress", account.email)

    url = service_url(server, settings.eas, ACTIVESYNC_PATH)
    action = _add(_add(response, "Action"), "Settings")
    entry = _add(action, "Server")
    _add(entry, "Type", "MobileSync")
    _add(entry, "Url", url)
    _add(entry, "Name", url)
    return to_xml_bytes(root)


def build_desktop_error(code: DesktopErrorCode, message: str) -> bytes:
    """Build a desktop error answer with its code and a short message."""
    root = ET.Element("Autodiscover", xmlns=RESPONSE_NS)
    error = _add(_add(root, "Response"), "Error")
    _add(error, "ErrorCode", str(int(code)))
    _add(error, "Message", message)
    _add(error, "DebugData")
    return to_xml_bytes(root)


def build_mobile_error(email: str, message: str) -> bytes:
    """Build a mobile error answer (status 2, protocol error) for ``email``."""
    root, response = _mobile_root()
    _add(_add(response, "User"), "EMailAddress", email)

    error = _add(_add(response, "Action"), "Error")
    _add(error, "Status", "2")
    _add(error, "Message", message)
    return to_xml_bytes(root)


def offered_protocols(
    settings: AutodiscoverSettings, allowed: Collection[str], names: Iterable[str]
) -> list[str]:
    """Keep the ``names`` the domain offers and the user's access allows."""
    return [name for name in names if name in allowed and _is_offered(settings, name)]


def service_url(server: str, protocol: ProtocolSettings, path: str) -> str:
    """The URL of an HTTP service, with the port only when not the default."""
    secure = protocol.encryption is not Encryption.NONE
    scheme, default_port = ("https", 443) if secure else ("http", 80)
    port = "" if protocol.port == default_port else f":{protocol.port}"
    return f"{scheme}://{server}{port}{path}"


def clean_xml_text(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry, which no escape can fix."""
    return _NOT_XML_CHARS.sub("", text)


def to_xml_bytes(root: ET.Element) -> bytes:
    """Serialise an answer as indented UTF-8 with its XML declaration."""
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return f"{XML_DECLARATION}{text}\n".encode()


def _add_protocol(
    parent: ET.Element,
    name: str,
    protocol: ProtocolSettings,
    account: Account,
    server: str,
) -> None:
    element = _add(parent, "Protocol")
    _add(element, "Type", _DESKTOP_TYPES[name])
    _add(element, "Server", server)
    _add(element, "Port", str(protocol.port))
    if name == "ews":
        _add(element, "EwsUrl", service_url(server, protocol, EWS_PATH))

    encrypted = protocol.encryption is not Encryption.NONE
    _add(element, "LoginName", account.login_name)
    _add(element, "DomainRequired", "off")
    _add(element, "SPA", "off")
    _add(element, "SSL", "on" if encrypted else "off")
    _add(element, "Encryption", _DESKTOP_ENCRYPTION[protocol.encryption])
    _add(element, "AuthRequired", "on")


def _mobile_root() -> tuple[ET.Element, ET.Element]:
    root = ET.Element("Autodiscover", xmlns=RESPONSE_NS)
    response = _add(root, "Response", xmlns=MOBILE_RESPONSE_SCHEMA)
    _add(response, "Culture", CULTURE)
    return root, response


def _is_offered(settings: AutodiscoverSettings, name: str) -> bool:
    protocol = getattr(settings, name, None)
    return isinstance(protocol, ProtocolSettings) and protocol.offered


def _add(
    parent: ET.Element, tag: str, text: str | None = None, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = clean_xml_text(text)
    return element
