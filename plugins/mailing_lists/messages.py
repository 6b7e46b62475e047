"""Raw messages: who sent them, what they ask, and the list headers they get.

Headers are read with the standard library's parser; list headers are
added by rewriting only the header block, so the body reaches subscribers
byte for byte (signatures over the body stay valid). The list sets the
priority of what it sends, so a poster's priority headers are replaced
like its list headers.
"""

import email
import email.policy
import re
from email.header import Header
from email.message import EmailMessage
from email.utils import getaddresses

from core.errors import InvalidInput
from core.services.user_fields import clean_target_address

LIST_HEADERS = (
    "list-id",
    "list-post",
    "list-help",
    "list-subscribe",
    "list-unsubscribe",
    "list-archive",
    "list-owner",
    "precedence",
)
# RFC 2156's Priority and Importance, and the X-Priority mail programs read.
PRIORITY_HEADERS = ("priority", "x-priority", "importance")
REPLACED_HEADERS = frozenset(LIST_HEADERS + PRIORITY_HEADERS)
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
REPLY_PREFIX = re.compile(r"^\s*((re|aw|fwd?|wg)\s*:\s*)+", re.IGNORECASE)


def parse(raw: bytes) -> EmailMessage:
    """The message, parsed leniently; refuses bytes that hold no headers."""
    if not raw.strip():
        raise InvalidInput("The message is empty.", field="rawMessage", code="EMPTY")
    return email.message_from_bytes(raw, policy=email.policy.default)


def sender_of(message: EmailMessage) -> str:
    """The normalised address of the From header; refused when there is none."""
    pairs = getaddresses([str(value) for value in message.get_all("From", [])])
    for _name, address in pairs:
        if address:
            try:
                return clean_target_address(address, field="rawMessage")
            except InvalidInput:
                break
    raise InvalidInput(
        "The message has no valid From address.",
        field="rawMessage",
        code="INVALID_SENDER",
    )


def recipients_of(message: EmailMessage) -> list[str]:
    """Addresses the message was delivered to, the transport's headers first."""
    values = [str(v) for name in RECIPIENT_HEADERS for v in message.get_all(name, [])]
    return [address for _name, address in getaddresses(values) if address]


def command_lines(message: EmailMessage) -> list[str]:
    """Where a command may stand: the subject (reply prefixes dropped), then
    the body's first line with text."""
    subject = REPLY_PREFIX.sub("", str(message.get("Subject", ""))).strip()
    body = (line.strip() for line in _plain_text(message).splitlines())
    return [subject, next((line for line in body if line), "")]


def _plain_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        return part.get_content()
    except (LookupError, ValueError):
        return ""


def is_automatic(message: EmailMessage) -> bool:
    """Whether another program wrote it (RFC 3834); such mail gets no answer,
    which keeps two automatic responders from answering each other forever."""
    value = str(message.get("Auto-Submitted", "no")).strip().lower()
    return value.split(";")[0].strip() != "no"


def has_list_id(message: EmailMessage, list_id: str) -> bool:
    """Whether the message already went through this list (a mail loop)."""
    return any(f"<{list_id}>" in str(v) for v in message.get_all("List-Id", []))


# Adding the list headers.


def with_headers(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    """The message with ``headers`` first and any earlier list and priority
    headers dropped."""
    head, body = _split(raw)
    newline = b"\r\n" if b"\r\n" in head or (not head and b"\r\n" in body) else b"\n"
    kept = [f for f in _fields(head) if _name(f) not in REPLACED_HEADERS]
    added = [f"{name}: {value}".encode("ascii") + newline for name, value in headers]
    return b"".join(added + kept) + body


def _split(raw: bytes) -> tuple[bytes, bytes]:
    """(header block with its line ends, the blank line and body)."""
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    if not ends:
        return raw if raw.endswith(b"\n") else raw + b"\n", b""
    cut = min(ends)
    eol = 2 if raw[cut : cut + 2] == b"\r\n" else 1
    return raw[: cut + eol], raw[cut + eol :]


def _fields(head: bytes) -> list[bytes]:
    """Header fields, each with its continuation lines."""
    fields: list[bytes] = []
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
    return fields


def _name(field: bytes) -> str:
    return field.split(b":", 1)[0].strip().lower().decode("ascii", "replace")


def phrase(text: str) -> str:
    """A display phrase for a header: quoted ASCII, or RFC 2047 words."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    return Header(text, "utf-8").encode()
