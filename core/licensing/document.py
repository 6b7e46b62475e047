"""The license document: editions, the License model, loading and issuing.

The signed payload (the ``license`` object of the file described in
``core.licensing.signing``) has exactly these keys, all required:

- ``license_id``: the issuer's identifier, 1 to 200 characters;
- ``licensee``: who the license is for, 1 to 200 characters;
- ``edition``: ``"free"``, ``"pro"`` or ``"enterprise"``;
- ``features``: feature names such as ``"eas"`` or ``"mapi_ews"``
  (lowercase letters, digits and underscores);
- ``mailbox_cap``: a positive integer, or ``null`` for unlimited;
- ``issued_at`` and ``expires_at``: ISO 8601 timestamps with a UTC offset,
  the expiry later than the issue.

An unknown key or a value of the wrong JSON type (``"500"`` for a number) is
malformed. Without a license file Mailplane runs under ``FREE_LICENSE``.
"""

import logging
from datetime import UTC, datetime
from enum import Enum
from functools import total_ordering
from typing import Annotated, Any, Self

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from core.licensing.errors import (
    LicenseEditionUnknown,
    LicenseError,
    LicenseExpired,
    LicenseMalformed,
)
from core.licensing.signing import sign_payload, verify_envelope

logger = logging.getLogger(__name__)

Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
FeatureName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


@total_ordering
class Edition(Enum):
    """Editions in ascending order: free < pro < enterprise."""

    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Edition):
            return NotImplemented
        return self.rank < other.rank

    @property
    def rank(self) -> int:
        """Position in the ordering; members are declared in ascending order."""
        return list(Edition).index(self)


class License(BaseModel):
    """A license in force; ``FREE_LICENSE`` when no file is configured.

    ``issued_at`` and ``expires_at`` are None only for the implicit free
    license; a signed license always names both (see ``LicensePayload``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    license_id: Label
    licensee: Label
    edition: Edition
    features: tuple[FeatureName, ...]
    mailbox_cap: Annotated[int, Field(ge=1)] | None
    issued_at: AwareDatetime | None
    expires_at: AwareDatetime | None

    @field_validator("features")
    @classmethod
    def clean_features(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(value)))

    @field_validator("issued_at", "expires_at")
    @classmethod
    def clean_utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    @model_validator(mode="after")
    def validate_period(self) -> Self:
        if self.issued_at and self.expires_at and self.expires_at <= self.issued_at:
            raise ValueError("expires_at must be later than issued_at")
        return self

    def grants(self, feature: str) -> bool:
        """Whether the license lists ``feature``; the free edition grants none."""
        return self.edition is not Edition.FREE and feature in self.features

    def edition_at_least(self, required: Edition | str) -> bool:
        """Whether the edition is ``required`` or above; raises ValueError
        for an edition name that does not exist."""
        return self.edition >= Edition(required)

    def is_expired(self, now: datetime) -> bool:
        """Whether the expiry is at or before ``now``, an aware datetime."""
        validate_aware(now)
        return self.expires_at is not None and self.expires_at <= now

    def describe(self) -> dict[str, Any]:
        """Every field as JSON values, for ``mailplane license show``."""
        return self.model_dump(mode="json")


class LicensePayload(License):
    """The signed form of a license: issue and expiry are required."""

    issued_at: AwareDatetime
    expires_at: AwareDatetime


FREE_LICENSE = License(
    license_id="free",
    licensee="unlicensed",
    edition=Edition.FREE,
    features=(),
    mailbox_cap=None,
    issued_at=None,
    expires_at=None,
)


def load_license(
    text: str | bytes, public_key: Ed25519PublicKey, *, now: datetime
) -> License:
    """Read a license file, check its signature and expiry, and return it.

    ``now`` must be an aware datetime. Raises a LicenseError subclass:
    LicenseMalformed, LicenseForged, LicenseEditionUnknown or LicenseExpired,
    checked in that order.
    """
    validate_aware(now)
    document = parse_payload(verify_envelope(text, public_key))

    if document.is_expired(now):
        raise LicenseExpired(
            f"The license {document.license_id} for {document.licensee} "
            f"expired at {document.expires_at:%Y-%m-%d %H:%M} UTC."
        )

    logger.info(
        "Loaded license %s for %s: %s edition, expires %s.",
        document.license_id,
        document.licensee,
        document.edition.value,
        document.expires_at.isoformat(),
    )
    return document


def sign_license(payload: License, private_key: Ed25519PrivateKey) -> str:
    """Sign a license and return the text of its file.

    Raises pydantic's ValidationError when the license lacks an issue or an
    expiry time (the implicit free license can't be signed).
    """
    checked = LicensePayload.model_validate(payload.model_dump())
    return sign_payload(checked.model_dump(mode="json"), private_key)


def parse_payload(canonical: bytes) -> LicensePayload:
    """Validate a verified payload; JSON types must match exactly."""
    try:
        return LicensePayload.model_validate_json(canonical, strict=True)
    except ValidationError as exc:
        raise explain_invalid(exc) from exc


def explain_invalid(exc: ValidationError) -> LicenseError:
    """Turn pydantic's errors into the one LicenseError a reader needs."""
    errors = exc.errors(include_url=False)
    for error in errors:
        if error["loc"] == ("edition",) and isinstance(error["input"], str):
            names = ", ".join(edition.value for edition in Edition)
            return LicenseEditionUnknown(
                f"The license is for the edition {error['input']!r}, which this "
                f"version of Mailplane does not know (it knows {names})."
            )

    first = errors[0]
    field = ".".join(str(part) for part in first["loc"]) or "license"
    more = f" ({len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return LicenseMalformed(f"The license field {field}: {first['msg']}{more}.")


def validate_aware(now: datetime) -> None:
    """Raise ValueError for a naive datetime, which can't be compared."""
    if now.tzinfo is None:
        raise ValueError("Pass an aware datetime, such as datetime.now(UTC).")
