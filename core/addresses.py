"""Mail addresses and their local parts, validated and normalised."""

from email_validator import EmailNotValidError, validate_email

from core.errors import InvalidInput
from core.validation import clean_domain_name


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
    ):
        raise _bad_address(raw, field)
    clean_address(f"{local}@example.com", field=field)
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
