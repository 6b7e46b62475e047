"""A user turning its own two-step authentication off.

Where the domain merely offers two-step, a user who turned it on may turn
it off again, proving it is them with the password and a current code (an
authenticator code or a recovery code), so a session left open is not
enough. Wrong answers count towards the same lock as wrong login codes.
Where the domain forces two-step it stays on; an administrator's
``resetTwoStep`` remains the way out of a lost phone.
"""

import logging

from sqlmodel import Session

from core.db import on_commit
from core.errors import Conflict, PermissionDenied
from core.principal import Principal
from core.services.auth import check_user_password
from plugins.twostep.accounts import forget_two_step, get_account
from plugins.twostep.challenges import confirm_action
from plugins.twostep.codes import Clock
from plugins.twostep.errors import CodeRefused
from plugins.twostep.policy import domain_status, require_own_user
from plugins.twostep.settings import TwoStepStatus

logger = logging.getLogger(__name__)


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
