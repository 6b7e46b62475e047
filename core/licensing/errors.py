"""Errors raised while reading a license file or a licensing key."""

from enum import StrEnum


class LicenseErrorCode(StrEnum):
    """Stable codes for callers to match on; the reason is for people."""

    MALFORMED = "MALFORMED"
    FORGED = "FORGED"
    EXPIRED = "EXPIRED"
    UNKNOWN_EDITION = "UNKNOWN_EDITION"
    INVALID_KEY = "INVALID_KEY"


class LicenseError(Exception):
    """Raised when a license or a key can't be trusted; base of this tree."""

    code: LicenseErrorCode

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LicenseMalformed(LicenseError):
    """Raised when a license can't be parsed, is too large or lacks a field."""

    code = LicenseErrorCode.MALFORMED


class LicenseForged(LicenseError):
    """Raised when the signature does not match the payload and the key."""

    code = LicenseErrorCode.FORGED


class LicenseExpired(LicenseError):
    """Raised when a genuine license has reached its expiry."""

    code = LicenseErrorCode.EXPIRED


class LicenseEditionUnknown(LicenseError):
    """Raised when a genuine license names an edition this version lacks."""

    code = LicenseErrorCode.UNKNOWN_EDITION


class LicenseKeyInvalid(LicenseError):
    """Raised when a public or private key is not a usable Ed25519 key."""

    code = LicenseErrorCode.INVALID_KEY
