"""Password hashing with argon2id."""

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Tests and benchmarks create thousands of accounts; MAILPLANE_PASSWORD_COST=low
# trades hashing cost for speed there and must never be set in production.
if os.environ.get("MAILPLANE_PASSWORD_COST") == "low":
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
else:
    _hasher = PasswordHasher()

MIN_LENGTH = 8
MAX_LENGTH = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of nothing in particular, verified against when an account is
# missing so that a failed login takes as long whether or not it exists.
DUMMY_HASH = hash_password("not a real password")


def validate_password(password: str, *, field: str = "password") -> None:
    """Raise ``InvalidInput`` for a password too short or too long to accept."""
    from core.errors import InvalidInput

    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidInput(
            f"A password needs {MIN_LENGTH} to {MAX_LENGTH} characters.",
            field=field,
            code="WEAK_PASSWORD",
        )
