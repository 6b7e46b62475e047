"""Signed license documents: editions, features, mailbox caps and expiry.

Pure code: no database and no GraphQL. ``load_license`` reads and checks a
file, ``FREE_LICENSE`` stands in when there is none; the file format is
described in ``core.licensing.signing`` and the payload fields in
``core.licensing.document``.
"""

from core.licensing.document import (
    FREE_LICENSE,
    Edition,
    License,
    LicensePayload,
    load_license,
    sign_license,
)
from core.licensing.errors import (
    LicenseEditionUnknown,
    LicenseError,
    LicenseErrorCode,
    LicenseExpired,
    LicenseForged,
    LicenseKeyInvalid,
    LicenseMalformed,
)
from core.licensing.signing import (
    MAX_LICENSE_BYTES,
    generate_keypair,
    load_private_key,
    load_public_key,
)

__all__ = [
    "FREE_LICENSE",
    "MAX_LICENSE_BYTES",
    "Edition",
    "License",
    "LicenseEditionUnknown",
    "LicenseError",
    "LicenseErrorCode",
    "LicenseExpired",
    "LicenseForged",
    "LicenseKeyInvalid",
    "LicenseMalformed",
    "LicensePayload",
    "generate_keypair",
    "load_license",
    "load_private_key",
    "load_public_key",
    "sign_license",
]
