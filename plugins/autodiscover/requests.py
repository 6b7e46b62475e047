"""Parsing of the XML bodies that autodiscover clients send.

Bodies come from anyone on the internet, so they are parsed with DTDs,
entities and external references forbidden, and only up to a size cap.
"""

import enum
import logging
from dataclasses import dataclass
from typing import NoReturn
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

logger = logging.getLogger(__name__)

_SCHEMAS = "http://schemas.microsoft.com/exchange/autodiscover"
DESKTOP_REQUEST_NS = f"{_SCHEMAS}/outlook/requestschema/2006"
MOBILE_REQUEST_NS = f"{_SCHEMAS}/mobilesync/requestschema/2006"
DESKTOP_RESPONSE_SCHEMA = f"{_SCHEMAS}/outlook/responseschema/2006a"
MOBILE_RESPONSE_SCHEMA = f"{_SCHEMAS}/mobilesync/responseschema/2006"

MAX_REQUEST_BYTES = 64 * 1024
MAX_EMAIL_LENGTH = 320


class RequestKind(enum.StrEnum):
    """Which answer a client wants: desktop (POX) or mobile (ActiveSync)."""

    DESKTOP = "desktop"
    MOBILE = "mobile"


_KIND_BY_NAMESPACE = {
    DESKTOP_REQUEST_NS: RequestKind.DESKTOP,
    MOBILE_REQUEST_NS: RequestKind.MOBILE,
}
_KIND_BY_SCHEMA = {
    DESKTOP_RESPONSE_SCHEMA: RequestKind.DESKTOP,
    MOBILE_RESPONSE_SCHEMA: RequestKind.MOBILE,
}
_SCHEMA_BY_KIND = {kind: schema for schema, kind in _KIND_BY_SCHEMA.items()}


class AutodiscoverRequestError(Exception):
    """Raised when a request body is unsafe, malformed or not a request."""


@dataclass(frozen=True)
class AutodiscoverRequest:
    """What a client asked: the answer kind, its address and its schema."""

    kind: RequestKind
    email: str
    acceptable_schema: str


def parse_request(body: bytes) -> AutodiscoverRequest:
    """Read an autodiscover request body.

    Receives the raw body (bytes, at most ``MAX_REQUEST_BYTES``). Returns the
    request; the answer kind follows the acceptable response schema, or the
    request's namespace when the client names none. Raises
    ``AutodiscoverRequestError`` for anything else, to be answered with a
    bare 400.
    """
    root = _parse_xml(body)
    namespace = _require_namespace(root)
    request = _require_request(root, namespace)

    email = _clean_email(_child_text(request, namespace, "EMailAddress"))
    schema = _child_text(request, namespace, "AcceptableResponseSchema")
    kind = _require_kind(schema, _KIND_BY_NAMESPACE[namespace])
    return AutodiscoverRequest(kind, email, _SCHEMA_BY_KIND[kind])


def _parse_xml(body: bytes) -> Element:
    if len(body) > MAX_REQUEST_BYTES:
        _refuse(f"the body is larger than {MAX_REQUEST_BYTES} bytes")

    # An unknown or lying encoding declaration raises a lookup or value
    # error, not a parse error.
    try:
        return safe_xml.fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (ParseError, DefusedXmlException, LookupError, ValueError) as exc:
        raise _refusal(f"the body is not safe, well-formed XML ({exc!r})") from exc


def _require_namespace(root: Element) -> str:
    for namespace in _KIND_BY_NAMESPACE:
        if root.tag == f"{{{namespace}}}Autodiscover":
            return namespace
    _refuse(f"unexpected root element {root.tag!r}")


def _require_request(root: Element, namespace: str) -> Element:
    requests = root.findall(f"{{{namespace}}}Request")
    if len(requests) != 1:
        _refuse(f"expected one Request element, found {len(requests)}")
    return requests[0]


def _child_text(parent: Element, namespace: str, name: str) -> str:
    child = parent.find(f"{{{namespace}}}{name}")
    if child is None:
        return ""
    return (child.text or "").strip()


def _clean_email(text: str) -> str:
    local, at, domain = text.rpartition("@")
    if not (at and local and domain) or len(text) > MAX_EMAIL_LENGTH:
        _refuse("the request carries no usable email address")
    if any(char.isspace() or not char.isprintable() for char in text):
        _refuse("the email address holds blank or control characters")
    return text


def _require_kind(schema: str, default: RequestKind) -> RequestKind:
    if not schema:
        return default
    if schema not in _KIND_BY_SCHEMA:
        _refuse(f"unsupported response schema {schema!r}")
    return _KIND_BY_SCHEMA[schema]


def _refusal(reason: str) -> AutodiscoverRequestError:
    logger.debug("Refused an autodiscover request: %s.", reason)
    return AutodiscoverRequestError(reason)


def _refuse(reason: str) -> NoReturn:
    raise _refusal(reason)
