"""Mass email messages: validated input, and bytes for each recipient.

A message is built once with ``email.message.EmailMessage`` (plain text,
or HTML with a plain-text alternative) and rendered to bytes; each
recipient then gets its own From, To and Message-ID lines in front of
those bytes. RFC 5322 leaves the order of header fields open, and the
per-recipient lines are folded and encoded by the same email policy.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from html.parser import HTMLParser

from core.errors import InvalidInput, InvalidInputs
from core.services.user_fields import split_mailbox_address

DEFAULT_SENDER = "System Administrator"
MAX_BODY_CHARS = 1_000_000
MAX_LINE_CHARS = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# 7bit: non-ASCII bodies are encoded, so no relay needs 8BITMIME.
POLICY = policy.default.clone(cte_type="7bit")


@dataclass(frozen=True)
class MassMail:
    """What the sender typed: ``sender`` is a name, an address or both."""

    sender: str
    friendly_name: str
    subject: str
    body: str
    html: bool

    def as_params(self) -> dict:
        return {
            "from": self.sender,
            "toFriendlyName": self.friendly_name,
            "subject": self.subject,
            "body": self.body,
            "html": self.html,
        }

    @classmethod
    def from_params(cls, params: dict) -> "MassMail":
        return cls(
            params["from"],
            params["toFriendlyName"],
            params["subject"],
            params["body"],
            params["html"],
        )


def clean_mass_mail(
    sender: str | None, friendly_name: str | None, subject: str, body: str, html: bool
) -> MassMail:
    """Check every field at once; header fields may hold no line breaks."""
    errors = []
    fields = {
        "from": (sender or "").strip() or DEFAULT_SENDER,
        "toFriendlyName": (friendly_name or "").strip(),
        "subject": subject.strip(),
    }
    for field, value in fields.items():
        if _CONTROL.search(value) or len(value) > MAX_LINE_CHARS:
            errors.append(_invalid(field, "must be one line of at most 255 characters"))
    if not fields["subject"]:
        errors.append(_invalid("subject", "is required", code="REQUIRED"))
    if not body.strip():
        errors.append(_invalid("body", "is required", code="REQUIRED"))
    elif len(body) > MAX_BODY_CHARS:
        errors.append(_invalid("body", "is longer than 1,000,000 characters"))
    errors += _check_sender_address(fields["from"])
    if errors:
        raise InvalidInputs(errors)
    return MassMail(
        fields["from"], fields["toFriendlyName"], fields["subject"], body, html
    )


def _check_sender_address(sender: str) -> list[InvalidInput]:
    if "@" not in sender:
        return []
    try:
        clean_sender_address(parseaddr(sender)[1])
    except InvalidInput as exc:
        return [exc]
    return []


def clean_sender_address(address: str) -> str:
    """An address on any domain name Mailplane accepts, normalised."""
    local_part, domain = split_mailbox_address(address, field="from")
    return f"{local_part}@{domain}"


def _invalid(field: str, what: str, code: str = "INVALID") -> InvalidInput:
    return InvalidInput(f"{field} {what}.", field=field, code=code)


def default_postmaster(domain_name: str) -> str:
    return f"postmaster@{domain_name}"


class MessageTemplate:
    """The shared part of a mass email's messages, rendered once.

    ``postmaster`` gives the sender of a domain's recipients when the mail
    names no address (``core.services.postmaster.PostmasterBook``).
    """

    def __init__(
        self,
        mail: MassMail,
        *,
        date: datetime,
        token: str,
        postmaster: Callable[[str], str] = default_postmaster,
    ) -> None:
        self.mail = mail
        self.token = token
        self.postmaster = postmaster
        name, address = parseaddr(mail.sender) if "@" in mail.sender else ("", "")
        self.sender_name = name if address else mail.sender
        self.sender_address = clean_sender_address(address) if address else None
        self._tail = _render_common(mail, date)
        self._from_lines: dict[str, bytes] = {}

    def sender_for(self, domain_name: str) -> str:
        """The envelope sender: the given address, or the domain's postmaster."""
        return self.sender_address or self.postmaster(domain_name)

    def render(self, user_id: int, address: str, display_name: str) -> bytes:
        """The whole message for one recipient (LF line ends, as Maildir stores)."""
        local, _, domain = address.rpartition("@")
        sender = self.sender_for(domain)
        head = self._from_lines.get(sender)
        if head is None:
            head = self._from_lines[sender] = _fold(
                "From", Address(self.sender_name, addr_spec=sender)
            )
        to = Address(self.mail.friendly_name or display_name, local, domain)
        message_id = f"<mass.{self.token}.{user_id}@{sender.rpartition('@')[2]}>"
        return b"".join(
            (
                head,
                _fold("To", to),
                b"Message-ID: %s\n" % message_id.encode(),
                self._tail,
            )
        )


def _fold(name: str, value: object) -> bytes:
    line = f"{name}: {value}\n"
    if line.isascii() and len(line) <= POLICY.max_line_length:
        return line.encode()  # already a valid, unfolded header line
    # Display names come out RFC 2047-encoded; only an internationalised
    # address stays UTF-8, as RFC 6532 allows.
    return POLICY.header_factory(name, str(value)).fold(policy=POLICY).encode()


def _render_common(mail: MassMail, date: datetime) -> bytes:
    message = EmailMessage(policy=POLICY)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(date)
    if mail.html:
        message.set_content(text_of_html(mail.body))
        message.add_alternative(mail.body, subtype="html")
    else:
        message.set_content(mail.body)
    return message.as_bytes(policy=POLICY)


class _TextExtractor(HTMLParser):
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


def text_of_html(html: str) -> str:
    """A plain-text reading of an HTML body, for the text alternative."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text + "\n"
