"""Telling mail from other bytes before a restore takes a file in.

A file is mail when ``email``'s parser finds a header block, ended by a blank
line, with either an identifying header (From, Date, Message-ID and the like)
or a body after it, and no sign of a cut: a multipart body must close its
boundaries. The checks read only what the parse already produced.
"""

import re
from email import errors, policy
from email.message import EmailMessage
from email.parser import BytesParser

from core.mailstore.errors import NotMail

IDENTIFYING = ("From", "Date", "Message-ID", "Sender", "Received", "Return-Path")
SNIFF_BYTES = 4096
MAX_CONTROL_RATIO = 0.05

_PARSER = BytesParser(policy=policy.default)
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_TRUNCATED = (
    errors.StartBoundaryNotFoundDefect,
    errors.CloseBoundaryNotFoundDefect,
    errors.NoBoundaryInMultipartDefect,
)


def validate_mail(raw: bytes) -> EmailMessage:
    """Return the parsed message; raise ``NotMail`` with a code saying why not.

    Codes: ``EMPTY``, ``BINARY``, ``NO_HEADERS``, ``MALFORMED_HEADERS``,
    ``NO_BODY_SEPARATOR``, ``NO_IDENTITY``, ``TRUNCATED``.
    """
    _validate_text(raw)
    message = _PARSER.parsebytes(raw)

    if not message.keys():
        raise NotMail("The file has no header block.", code="NO_HEADERS")
    if any(
        isinstance(d, errors.MissingHeaderBodySeparatorDefect) for d in message.defects
    ):
        raise NotMail(
            "A line of the header block is not a header.", code="MALFORMED_HEADERS"
        )
    separator = _BLANK_LINE.search(raw)
    if separator is None:
        raise NotMail(
            "The headers end without a blank line: cut short.", code="NO_BODY_SEPARATOR"
        )

    has_body = bool(raw[separator.end() :].strip())
    if not has_body and not any(name in message for name in IDENTIFYING):
        raise NotMail("No identifying header and no body.", code="NO_IDENTITY")
    _validate_complete(message)
    return message


def _validate_text(raw: bytes) -> None:
    if not raw.strip():
        raise NotMail("The file is empty.", code="EMPTY")
    head = raw[:SNIFF_BYTES]
    if b"\x00" in raw or len(_CONTROL.findall(head)) > MAX_CONTROL_RATIO * len(head):
        raise NotMail("The file holds binary data.", code="BINARY")


def _validate_complete(message: EmailMessage) -> None:
    for part in message.walk():
        if any(isinstance(defect, _TRUNCATED) for defect in part.defects):
            raise NotMail("A multipart body is cut short or broken.", code="TRUNCATED")
