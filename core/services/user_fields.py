"""The fields of a user and their rules, checked before anything is written."""

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.addresses import clean_local_part
from core.errors import InvalidInput, InvalidInputs, PermissionDenied
from core.runtime import Runtime
from core.settings.registry import field_errors
from core.validation import clean_domain_name

STATUSES = frozenset({"enabled", "disabled"})
AUTH_TYPES = frozenset({"password", "directory"})
MAX_FORWARDING_ADDRESSES = 20
PROFILE_FIELDS = (
    "title",
    "full_name",
    "birthday",
    "mobile_phone",
    "home_phone",
    "work_phone",
    "home_address",
    "work_address",
    "job_title",
)


class UserProfile(BaseModel):
    """The profile an export lists; lengths match the user table's columns."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(default="", max_length=64)
    full_name: str = Field(default="", max_length=255)
    birthday: date | None = None
    mobile_phone: str = Field(default="", max_length=64)
    home_phone: str = Field(default="", max_length=64)
    work_phone: str = Field(default="", max_length=64)
    home_address: str = Field(default="", max_length=512)
    work_address: str = Field(default="", max_length=512)
    job_title: str = Field(default="", max_length=128)

    @field_validator("*")
    @classmethod
    def check_printable(cls, value):
        if isinstance(value, str) and any(ord(c) < 32 and c != "\n" for c in value):
            raise ValueError("must not hold control characters")
        return value

    @field_validator("birthday")
    @classmethod
    def check_birthday(cls, value: date | None) -> date | None:
        if value is not None and not date(1900, 1, 1) <= value <= date.today():
            raise ValueError("must lie between 1900-01-01 and today")
        return value


@dataclass(frozen=True)
class Forwarding:
    """Automated forwarding of a user, as stored in ``User.forwarding``."""

    allowed: bool = True
    keep_copy: bool = True
    addresses: tuple[str, ...] = ()

    def as_stored(self) -> dict:
        return {
            "allowed": self.allowed,
            "keep_copy": self.keep_copy,
            "addresses": list(self.addresses),
        }


def read_forwarding(stored: dict | None) -> Forwarding:
    stored = stored or {}
    return Forwarding(
        allowed=bool(stored.get("allowed", True)),
        keep_copy=bool(stored.get("keep_copy", True)),
        addresses=tuple(stored.get("addresses", ())),
    )


def split_mailbox_address(raw: str, *, field: str = "email") -> tuple[str, str]:
    """Split and normalise an address into its local part and domain name.

    The domain part is held to the rules of domain names, so an address on
    any domain Mailplane accepts (special-use names such as ``.test`` and
    ``.local`` included) is accepted; the local part must be able to name a
    mailbox folder. Raises ``InvalidInput`` with code ``INVALID_ADDRESS``.
    """
    local_part, at, domain = raw.strip().rpartition("@")
    if not at:
        raise _bad_address(raw, field)
    try:
        return clean_local_part(local_part, field=field), clean_domain_name(domain)
    except InvalidInput:
        raise _bad_address(raw, field) from None


def clean_target_address(raw: str, *, field: str) -> str:
    """A whole address that mail is sent on to, normalised."""
    return "@".join(split_mailbox_address(raw, field=field))


def _bad_address(raw: str, field: str) -> InvalidInput:
    return InvalidInput(
        f"{raw!r} is not a valid address.", field=field, code="INVALID_ADDRESS"
    )


def clean_profile(current: dict, changes: dict) -> dict:
    """Merge profile changes into the current profile and validate the result."""
    try:
        profile = UserProfile.model_validate({**current, **changes})
    except ValidationError as exc:
        raise InvalidInputs(field_errors(exc, "profile", UserProfile)) from None
    return profile.model_dump()


def clean_display_name(raw: str) -> str:
    name = raw.strip()
    if len(name) > 255 or any(ord(c) < 32 for c in name):
        raise InvalidInput(
            "A display name has at most 255 printable characters.",
            field="displayName",
        )
    return name


def clean_status(status: str) -> str:
    if status not in STATUSES:
        raise InvalidInput("Status must be enabled or disabled.", field="status")
    return status


def clean_auth_type(runtime: Runtime, domain_settings: dict, auth_type: str) -> str:
    """Directory authentication needs the domain's directory integration."""
    if auth_type not in AUTH_TYPES:
        raise InvalidInput("Unknown authentication type.", field="authType")
    features = runtime.registry.read("domain", domain_settings, "features")
    if auth_type == "directory" and not features.directory_integration:
        raise PermissionDenied(
            "The domain has no directory integration.",
            field="authType",
            code="DIRECTORY_NOT_ALLOWED",
        )
    return auth_type


def clean_mailbox_size(runtime: Runtime, domain_settings: dict, size_mb: int) -> int:
    """0 (no limit of its own) up to the domain's whole disk space."""
    disk = runtime.registry.read("domain", domain_settings, "limits").disk_space_mb
    if size_mb < 0:
        raise InvalidInput("A mailbox size can't be negative.", field="mailboxSizeMb")
    if size_mb > disk:
        raise InvalidInput(
            f"A mailbox can't be larger than the domain's {disk} MB.",
            field="mailboxSizeMb",
            code="MAILBOX_SIZE_TOO_LARGE",
        )
    return size_mb


def clean_forwarding(
    runtime: Runtime,
    domain_settings: dict,
    current: Forwarding,
    changes: dict,
    *,
    own_addresses: set[str],
    by_admin: bool,
) -> Forwarding:
    """Apply forwarding changes within the domain's features and the caller's rights.

    Only administrators set ``allowed``; a user forwards only while it is
    set; nobody forwards where the domain's ``features.automatedForwarding``
    is off (clearing the addresses is always possible).
    """
    if "allowed" in changes and not by_admin:
        raise PermissionDenied(
            "Only an administrator may allow forwarding.", field="forwarding.allowed"
        )
    addresses = current.addresses
    if changes.get("addresses") is not None:
        addresses = _clean_forward_addresses(changes["addresses"], own_addresses)
    merged = Forwarding(
        allowed=changes.get("allowed", current.allowed),
        keep_copy=changes.get("keep_copy", current.keep_copy),
        addresses=addresses,
    )
    if merged.addresses and addresses != current.addresses:
        _check_may_forward(runtime, domain_settings, merged, by_admin)
    return merged


def _clean_forward_addresses(
    raw: list[str], own_addresses: set[str]
) -> tuple[str, ...]:
    field = "forwarding.addresses"
    if len(raw) > MAX_FORWARDING_ADDRESSES:
        raise InvalidInput(
            f"At most {MAX_FORWARDING_ADDRESSES} forwarding addresses.",
            field=field,
            code="TOO_MANY_ADDRESSES",
        )
    addresses = tuple(dict.fromkeys(clean_target_address(a, field=field) for a in raw))
    if own_addresses.intersection(addresses):
        raise InvalidInput(
            "A user can't forward to its own address (under any of its "
            "domain's names).",
            field=field,
            code="FORWARDING_LOOP",
        )
    return addresses


def _check_may_forward(
    runtime: Runtime, domain_settings: dict, forwarding: Forwarding, by_admin: bool
) -> None:
    features = runtime.registry.read("domain", domain_settings, "features")
    if not features.automated_forwarding or not (by_admin or forwarding.allowed):
        raise PermissionDenied(
            "Automated forwarding is not allowed here.",
            field="forwarding.addresses",
            code="FORWARDING_NOT_ALLOWED",
        )
