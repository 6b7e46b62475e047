"""Refusals of codes that must be remembered even though the mutation fails."""

from core.errors import InvalidInput


class CodeRefused(InvalidInput):
    """Raised when a code is refused after its attempt was counted.

    The plugin's mutation runner commits the transaction before turning it
    into payload errors, so wrong attempts add up to a lock; anywhere else
    it rolls back like any ``InvalidInput``.
    """

    code = "INVALID_CODE"


def wrong_code(field: str = "code") -> CodeRefused:
    return CodeRefused("The code is not valid.", field=field)


def replayed_code(field: str = "code") -> CodeRefused:
    return CodeRefused(
        "That code was already used; wait for the next one.",
        field=field,
        code="CODE_ALREADY_USED",
    )
