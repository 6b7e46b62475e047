"""Normalise and check names that come from requests."""

import re
from ipaddress import ip_address
from urllib.parse import urlsplit

import idna

from core.errors import InvalidInput
from core.text import quoted

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
DOMAIN_VARIABLE = "%domain%"
_GLUED_VARIABLE = re.compile(r"[^.]%domain%|%domain%[^.]")


def clean_domain_name(raw: str, *, field: str = "name") -> str:
    """Lower-case, IDNA-encode and check a domain name.

    Raises ``InvalidInput`` with code ``INVALID_DOMAIN`` for a name that is
    not a valid, fully qualified host name (and so can't carry path
    characters such as ``/``, ``\\`` or ``..``).
    """
    name = raw.strip().rstrip(".").lower()
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise _bad_domain(raw, field) from None
    labels = ascii_name.split(".")
    too_long = len(ascii_name) > 253
    if too_long or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        raise _bad_domain(raw, field)
    if labels[-1].isdigit():
        raise _bad_domain(raw, field)
    return ascii_name


def _bad_domain(raw: str, field: str) -> InvalidInput:
    return InvalidInput(
        f"{raw!r} is not a valid domain name.", field=field, code="INVALID_DOMAIN"
    )


def clean_hostname_or_ip(raw: str) -> str:
    """Accept an IP address or a host name; raise ``ValueError`` otherwise."""
    value = raw.strip()
    try:
        return str(ip_address(value))
    except ValueError:
        pass
    try:
        return clean_domain_name(value)
    except InvalidInput:
        raise ValueError(f"{raw!r} is neither an IP address nor a host name") from None


def clean_hostname(raw: str, *, field: str = "hostname") -> str:
    """A host name that may hold the ``%domain%`` variable, as whole labels.

    Glued to other letters (``mx%domain%``) the variable could make a label
    longer than 63 characters for some names; as whole labels, a pattern
    fits a domain whenever ``expand_hostname`` finds it short enough. The
    other labels are IDNA-encoded, as domain names are, so that lengths
    count what is stored.
    """
    value = raw.strip().rstrip(".").lower()
    if has_glued_variable(value):
        raise InvalidInput(
            f"{raw!r}: %domain% must stand between dots or at an end.",
            field=field,
            code="INVALID_DOMAIN",
        )
    try:
        clean_domain_name(value.replace(DOMAIN_VARIABLE, "example.com"), field=field)
    except InvalidInput as exc:
        # The check ran on a stand-in name; the caller must see what it typed.
        raise InvalidInput(
            f"{quoted(raw)} is not a valid host name"
            + (" pattern." if DOMAIN_VARIABLE in value else "."),
            field=field,
            code=exc.code,
        ) from None
    return normalise_hostname(value)


def normalise_hostname(pattern: str) -> str:
    """A hostname pattern as it is stored: lower-case, no final dot, and
    IDNA-encoded but for the variable; refuses nothing, so that patterns
    stored before these rules read the same way."""
    value = pattern.strip().rstrip(".").lower()
    return ".".join(_encoded_label(label) for label in value.split("."))


def _encoded_label(label: str) -> str:
    parts = label.split(DOMAIN_VARIABLE)
    try:
        encoded = [
            idna.encode(part, uts46=True).decode() if part else part for part in parts
        ]
    except (idna.IDNAError, UnicodeError):
        return label
    return DOMAIN_VARIABLE.join(encoded)


def has_glued_variable(pattern: str) -> bool:
    """Whether ``%domain%`` stands inside a label of a hostname pattern."""
    return bool(_GLUED_VARIABLE.search(pattern))


def expand_hostname(pattern: str, domain_name: str, *, field: str = "hostname") -> str:
    """The host name a clean pattern gives a domain (``INVALID_DOMAIN`` if too long)."""
    return clean_domain_name(pattern.replace(DOMAIN_VARIABLE, domain_name), field=field)


def clean_url(raw: str) -> str:
    """An absolute http(s) URL naming a host, with no blanks or control
    characters; raise ``ValueError`` otherwise."""
    value = raw.strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an absolute http or https URL")
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("must not contain spaces or control characters")
    if not parts.hostname:
        raise ValueError("must name a host")
    return value
