"""Mail addresses and their local parts, validated and normalised."""

from email_validator import EmailNotValidError, validate_email

from core.errors import InvalidInput
from core.validation import clean_domain_name

MAX_LOCAL_PART_OCTETS = 64


def clean_local_part(raw: str, *, field: str = "email") -> str:
    """Lower-case and check the part of an address before the ``@``.

    Only the forms a mailbox folder can be named after are accepted: no
    path separators, no leading dot, nothing email-validator rejects.
    """
    local = raw.strip().lower()
    if (
        not local
        or "@" in local
        or "/" in local
        or "\\" in local
        or local.startswith(".")
        # RFC 5321's limit, which email-validator leaves to the caller.
        or len(local.encode()) > MAX_LOCAL_PART_OCTETS
    ):
        raise _bad_address(raw, field)
    try:
        clean_address(f"{local}@example.com", field=field)
    except InvalidInput:
        # Checked under a stand-in domain; the caller must see what it typed.
        raise _bad_address(raw, field) from None
    return local


def clean_address(raw: str, *, field: str = "email") -> str:
    """Normalise a full address: lower-case local part, IDNA domain."""
    try:
        result = validate_email(
            raw.strip(), check_deliverability=False, test_environment=True
        )
    except EmailNotValidError:
        raise _bad_address(raw, field) from None
    domain = clean_domain_name(result.domain, field=field)
    return f"{result.local_part.lower()}@{domain}"


def split_address(raw: str, *, field: str = "email") -> tuple[str, str]:
    local, _, domain = clean_address(raw, field=field).rpartition("@")
    return local, domain


def _bad_address(raw: str, field: str) -> InvalidInput:
    return InvalidInput(
        f"{raw!r} is not a valid address.", field=field, code="INVALID_ADDRESS"
    )
