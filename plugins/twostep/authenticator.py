"""Checking a code of the user's authenticator app."""

from plugins.twostep import codes
from plugins.twostep.codes import Clock
from plugins.twostep.errors import replayed_code, wrong_code


def check_authenticator_code(
    last_step: int | None, secret: str, code: str, clock: Clock
) -> int:
    """The time step of a valid code of ``secret`` later than ``last_step``,
    the last one the secret was used with; raises ``CodeRefused``."""
    code = codes.clean_code(code)
    if not codes.is_authenticator_code(code):
        raise wrong_code()
    step = codes.matching_step(secret, code, clock())
    if step is None:
        raise wrong_code()
    if last_step is not None and step <= last_step:
        raise replayed_code()
    return step
