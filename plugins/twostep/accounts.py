"""A user's two-step state: reading it, turning it on, and resetting it."""

import logging
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.db import on_commit
from core.models import Domain, User
from core.principal import Principal
from core.services import audit
from core.services.auth import issue_user_token, revoke_token
from core.services.users import require_user, require_user_admin
from plugins.twostep.models import (
    AppPassword,
    TwoStepAccount,
    TwoStepChallenge,
    TwoStepRecoveryCode,
)
from plugins.twostep.policy import SETUP_SCOPE, domain_status, require_own_user
from plugins.twostep.recovery import codes_left, replace_recovery_codes
from plugins.twostep.settings import TwoStepStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountState:
    """What a user (or an administrator of the user's domain) sees."""

    email: str
    domain_status: TwoStepStatus
    active: bool
    authenticator: bool
    recovery_email: str | None
    pending_recovery_email: str | None
    recovery_codes_left: int

    @property
    def setup_required(self) -> bool:
        return self.domain_status is TwoStepStatus.FORCED and not self.active


@dataclass(frozen=True)
class Enabled:
    """A method turned on: first recovery codes, and a full session if needed."""

    recovery_codes: list[str] | None = None
    token: str | None = None


def get_account(
    session: Session, user_id: int, *, lock: bool = False
) -> TwoStepAccount | None:
    # Locking orders concurrent code checks of one user (PostgreSQL); the
    # SQLite write lock already does.
    return session.get(TwoStepAccount, user_id, with_for_update=lock)


def account_for(session: Session, user_id: int) -> TwoStepAccount:
    """The user's row, made empty if it does not exist yet."""
    account = get_account(session, user_id, lock=True)
    if account is not None:
        return account
    try:
        with session.begin_nested():
            session.add(TwoStepAccount(user_id=user_id))
    except IntegrityError:
        pass  # a concurrent request of the same user made it first
    return get_account(session, user_id, lock=True)


def is_active(session: Session, user_id: int) -> bool:
    account = get_account(session, user_id)
    return account is not None and account.is_active


def describe(
    session: Session, runtime, principal: Principal, email: str | None
) -> AccountState:
    """The caller's own state, or a user's for administrators of its domain."""
    if email is None:
        user, domain = require_own_user(session, principal, setup=True)
    else:
        user, domain = require_user(session, principal, email)
    account = get_account(session, user.id) or TwoStepAccount(user_id=user.id)
    return AccountState(
        email=f"{user.local_part}@{domain.name}",
        domain_status=domain_status(session, runtime, domain),
        active=account.is_active,
        authenticator=account.secret is not None,
        recovery_email=account.recovery_email,
        pending_recovery_email=account.pending_email,
        recovery_codes_left=codes_left(session, user.id),
    )


def finish_enabling(
    session: Session, runtime, principal: Principal, user: User
) -> Enabled:
    """After a method was confirmed: first recovery codes, and a full session
    in place of a set-up-only one."""
    codes = (
        None
        if codes_left(session, user.id)
        else replace_recovery_codes(session, user.id)
    )
    token = None
    if principal.restricted_to == SETUP_SCOPE:
        revoke_token(session, principal.token_id)
        ttl = runtime.config.token_ttl_seconds
        token = issue_user_token(session, user, ttl)
    return Enabled(codes, token)


def reset_two_step(session: Session, principal: Principal, email: str) -> str:
    """Return a user to no two-step: methods, codes, challenges and app
    passwords go. For administrators of the user's domain; the mutation's
    audit entry names the user."""
    user, domain = require_user(session, principal, email)
    require_user_admin(principal, domain, "reset two-step authentication")
    address = forget_two_step(session, user, domain)
    on_commit(session, lambda: _log_reset(principal, address))
    return address


def forget_two_step(session: Session, user: User, domain: Domain) -> str:
    """Delete the user's methods, codes, challenges and app passwords; the
    user's address, which the mutation's audit entry is about."""
    was_active = is_active(session, user.id)
    # Bulk deletes: the audit trail sees no rows, so the change is noted.
    for table in (TwoStepChallenge, TwoStepRecoveryCode, AppPassword):
        session.execute(delete(table).where(table.user_id == user.id))
    session.execute(delete(TwoStepAccount).where(TwoStepAccount.user_id == user.id))

    address = f"{user.local_part}@{domain.name}"
    audit.set_target(session, audit.Target("user", address, domain.id, domain.name))
    audit.note_change(session, "twoStep.active", was_active, False)
    return address


def _log_reset(principal: Principal, address: str) -> None:
    acting = principal.name
    if principal.impersonator:
        acting += f" (impersonated by {principal.impersonator})"
    logger.info("Two-step authentication of %s was reset by %s.", address, acting)
