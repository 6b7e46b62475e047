"""Codes: authenticator codes and their time steps, one-time codes, hashes.

Time comes from a clock (seconds since the epoch) that the services take
as an argument; the GraphQL layer passes ``clock_of(runtime)``, which tests
replace through ``runtime.extras[CLOCK_KEY]``.
"""

import hashlib
import hmac
import io
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pyotp
import segno

Clock = Callable[[], float]

CLOCK_KEY = "twostep.clock"
PERIOD_SECONDS = 30
# Codes of the step before and after the current one pass too: phones drift.
DRIFT_STEPS = 1
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
ONE_TIME_CODE_DIGITS = 8


def clock_of(runtime) -> Clock:
    return runtime.extras.get(CLOCK_KEY, time.time)


def moment(clock: Clock) -> datetime:
    return datetime.fromtimestamp(clock(), UTC)


def new_secret() -> str:
    """A random authenticator secret: 32 base32 characters, 160 bits."""
    return pyotp.random_base32()


def setup_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as a QR code, a standalone SVG document."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=4, xmldecl=False)
    return buffer.getvalue().decode()


def code_at(secret: str, step: int) -> str:
    """The authenticator code of a time step (what the user's app shows)."""
    return pyotp.TOTP(secret).at(step * PERIOD_SECONDS)


def matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step near ``now`` whose code is ``code``, or None."""
    totp = pyotp.TOTP(secret)
    current = int(now // PERIOD_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * PERIOD_SECONDS), code):
            return step
    return None


def clean_code(raw: str) -> str:
    """A code as typed, without spaces or dashes, in lower case."""
    return "".join(raw.split()).replace("-", "").lower()


def is_authenticator_code(code: str) -> bool:
    return len(code) == 6 and _ascii_digits(code)


def is_one_time_code(code: str) -> bool:
    return len(code) == ONE_TIME_CODE_DIGITS and _ascii_digits(code)


def _ascii_digits(code: str) -> bool:
    # str.isdigit() admits other scripts' digits, which no code uses.
    return code.isascii() and code.isdigit()


def new_one_time_code() -> str:
    """A code sent by mail; longer than an authenticator's, to tell them apart."""
    return f"{secrets.randbelow(10**ONE_TIME_CODE_DIGITS):0{ONE_TIME_CODE_DIGITS}d}"


def new_recovery_code() -> str:
    """``xxxxx-xxxxx`` from an alphabet without look-alikes, about 50 bits."""
    chars = [secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)]
    half = RECOVERY_CODE_LENGTH // 2
    return "".join(chars[:half]) + "-" + "".join(chars[half:])


def salted_hash(code: str) -> str:
    """``salt$sha256(salt + code)``: for short codes stored only to be checked."""
    salt = secrets.token_hex(16)
    return f"{salt}${_digest(salt, code)}"


def matches_salted(stored: str | None, code: str) -> bool:
    if not stored or "$" not in stored:
        return False
    salt, digest = stored.split("$", 1)
    return hmac.compare_digest(digest, _digest(salt, code))


def _digest(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}{code}".encode()).hexdigest()


def plain_hash(secret: str) -> str:
    """SHA-256 of a long random secret, for lookups by equality."""
    return hashlib.sha256(secret.encode()).hexdigest()
