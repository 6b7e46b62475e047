"""What a user does to its own two-step once it is on, proving it is them.

A session left open is not enough for these: each asks for a current code
(an authenticator code or a recovery code), and turning two-step off asks
for the password too. Wrong answers count towards the same lock as wrong
login codes.

- ``regenerate_recovery_codes``: new recovery codes, the old ones void.
- ``turn_off_two_step``: where the domain merely offers two-step, a user
  who turned it on may turn it off again. Where the domain forces it, it
  stays on; an administrator's ``resetTwoStep`` remains the way out of a
  lost phone.
"""

import logging

from sqlmodel import Session

from core.db import on_commit
from core.errors import Conflict, PermissionDenied
from core.principal import Principal
from core.services.auth import check_user_password
from plugins.twostep.accounts import forget_two_step, get_account
from plugins.twostep.challenges import confirm_action, require_current_code
from plugins.twostep.codes import Clock
from plugins.twostep.errors import CodeRefused
from plugins.twostep.policy import domain_status, require_own_user
from plugins.twostep.recovery import replace_recovery_codes
from plugins.twostep.settings import TwoStepStatus

logger = logging.getLogger(__name__)


def regenerate_recovery_codes(
    session: Session,
    runtime,
    principal: Principal,
    current_code: str | None,
    clock: Clock,
) -> list[str]:
    """New recovery codes for the caller, the old ones void; shown this once."""
    user, _domain = require_own_user(session, principal, in_person=True)
    account = get_account(session, user.id, lock=True)
    if account is None or not account.is_active:
        raise PermissionDenied(
            "Turn on two-step authentication first.", code="TWO_STEP_REQUIRED"
        )
    require_current_code(session, runtime, account, current_code, clock)
    codes = replace_recovery_codes(session, user.id)
    on_commit(
        session, lambda: logger.info("User %s replaced its recovery codes.", user.id)
    )
    return codes


def turn_off_two_step(
    session: Session,
    runtime,
    principal: Principal,
    password: str,
    code: str,
    clock: Clock,
) -> str:
    """Turn the caller's two-step off; returns its address.

    Refused with ``TWO_STEP_FORCED`` where the domain forces it,
    ``TWO_STEP_NOT_ACTIVE`` when it is off already, ``WRONG_PASSWORD`` or
    a code's refusal (counted) otherwise.
    """
    user, domain = require_own_user(session, principal, in_person=True)
    if domain_status(session, runtime, domain) is TwoStepStatus.FORCED:
        raise PermissionDenied(
            f"{domain.name} requires two-step authentication; it stays on.",
            code="TWO_STEP_FORCED",
        )
    account = get_account(session, user.id, lock=True)
    if account is None or not account.is_active:
        raise Conflict("Two-step authentication is not on.", code="TWO_STEP_NOT_ACTIVE")
    wrong_password = None
    # As login does: a directory's users are judged by their directory.
    if not check_user_password(session, runtime, user, password):
        wrong_password = CodeRefused(
            "The password is not right.", field="password", code="WRONG_PASSWORD"
        )
    confirm_action(session, runtime, account, code, clock, wrong_password)

    address = forget_two_step(session, user, domain)
    on_commit(session, lambda: logger.info("User %s turned two-step off.", user.id))
    return address
