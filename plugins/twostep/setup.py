"""Turning two-step on: an authenticator app, or a recovery address.

An authenticator is set up in two steps: ``begin_setup`` makes a secret
(kept encrypted, pending, for ``SETUP_LIFETIME``) and ``confirm_setup``
turns it on with a code the app shows. A recovery address is likewise
pending until the code sent there comes back. The first method confirmed
brings the user's recovery codes and, for a set-up-only session, a full one.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from core.errors import Conflict, InvalidInput, LimitReached
from core.models import Domain, User
from core.models.base import as_utc
from core.principal import Principal
from core.services.user_fields import clean_target_address
from plugins.twostep import codes
from plugins.twostep.accounts import Enabled, account_for, finish_enabling
from plugins.twostep.authenticator import check_authenticator_code
from plugins.twostep.challenges import require_current_code
from plugins.twostep.codes import Clock, moment
from plugins.twostep.delivery import compose, queue_mail
from plugins.twostep.errors import CodeRefused, wrong_code
from plugins.twostep.models import TwoStepAccount
from plugins.twostep.policy import require_available, require_own_user
from plugins.twostep.vault import Vault

logger = logging.getLogger(__name__)

SETUP_LIFETIME = timedelta(minutes=10)
EMAIL_CODE_LIFETIME = timedelta(minutes=15)
RESEND_PAUSE = timedelta(minutes=1)
MAX_EMAIL_ATTEMPTS = 5


@dataclass(frozen=True)
class SetupStart:
    """What the user's authenticator app needs, shown this once."""

    secret: str
    uri: str
    qr_svg: str


def begin_setup(
    session: Session, runtime, principal: Principal, clock: Clock
) -> SetupStart:
    """A new pending secret; an authenticator already on stays until confirmed."""
    user, domain = _own_available(session, runtime, principal)
    secret = codes.new_secret()
    account = account_for(session, user.id)
    account.pending_secret = Vault(runtime.config.data_dir).encrypt(secret)
    account.pending_secret_at = moment(clock)
    _save(session, account, clock)

    uri = codes.setup_uri(secret, f"{user.local_part}@{domain.name}", domain.name)
    return SetupStart(secret, uri, codes.qr_svg(uri))


def confirm_setup(
    session: Session,
    runtime,
    principal: Principal,
    code: str,
    clock: Clock,
    *,
    current_code: str | None = None,
) -> Enabled:
    """Turn the pending secret on, given a code of it; replacing a method
    already on needs ``current_code`` too (``require_current_code``)."""
    user, _domain = _own_available(session, runtime, principal)
    account = account_for(session, user.id)
    require_current_code(session, runtime, account, current_code, clock)
    if account.pending_secret is None:
        raise Conflict("Begin the set-up first.", code="NO_SETUP_PENDING")
    if as_utc(account.pending_secret_at) + SETUP_LIFETIME <= moment(clock):
        raise Conflict("The set-up expired; begin again.", code="SETUP_EXPIRED")

    secret = Vault(runtime.config.data_dir).decrypt(account.pending_secret)
    # A new secret has no codes used yet, whatever the old one's last was.
    account.last_time_step = check_authenticator_code(None, secret, code, clock)
    account.secret, account.pending_secret = account.pending_secret, None
    account.pending_secret_at = None
    _save(session, account, clock)
    logger.info("User %s turned on an authenticator.", user.id)
    return finish_enabling(session, runtime, principal, user)


def set_recovery_email(
    session: Session,
    runtime,
    principal: Principal,
    email: str | None,
    clock: Clock,
    *,
    current_code: str | None = None,
) -> str | None:
    """Send a code to a new recovery address, or remove the address (None).

    Returns the pending address. The current address stays until the new
    one is confirmed. While two-step is on it needs ``current_code``.
    """
    user, domain = _own_available(session, runtime, principal)
    account = account_for(session, user.id)
    require_current_code(session, runtime, account, current_code, clock)
    if not email:
        account.recovery_email = account.pending_email = None
        account.pending_email_code_hash = None
        _save(session, account, clock)
        return None

    address = clean_target_address(email, field="email")
    if address == f"{user.local_part}@{domain.name}":
        raise InvalidInput(
            "A recovery address must be another mailbox than this one.",
            field="email",
            code="RECOVERY_EMAIL_IS_OWN",
        )
    _check_resend_pause(account, clock)
    code = codes.new_one_time_code()
    account.pending_email = address
    account.pending_email_code_hash = codes.salted_hash(code)
    account.pending_email_expires_at = moment(clock) + EMAIL_CODE_LIFETIME
    account.pending_email_attempts = 0
    _save(session, account, clock)
    queue_mail(session, _confirmation_mail(domain, address, code))
    return address


def confirm_recovery_email(
    session: Session, runtime, principal: Principal, code: str, clock: Clock
) -> Enabled:
    """Make the pending address the recovery address, given its code."""
    user, _domain = _own_available(session, runtime, principal)
    account = account_for(session, user.id)
    if account.pending_email is None:
        raise Conflict("Set a recovery address first.", code="NO_EMAIL_PENDING")
    if as_utc(account.pending_email_expires_at) <= moment(clock):
        raise Conflict("The code expired; set the address again.", code="CODE_EXPIRED")
    if not codes.matches_salted(
        account.pending_email_code_hash, codes.clean_code(code)
    ):
        _count_email_attempt(session, account, clock)

    account.recovery_email, account.pending_email = account.pending_email, None
    account.pending_email_code_hash = account.pending_email_expires_at = None
    _save(session, account, clock)
    logger.info("User %s confirmed a recovery address.", user.id)
    return finish_enabling(session, runtime, principal, user)


def _check_resend_pause(account: TwoStepAccount, clock: Clock) -> None:
    """One confirmation mail a minute: the address may be anyone's."""
    if account.pending_email_expires_at is None:
        return
    sent_at = as_utc(account.pending_email_expires_at) - EMAIL_CODE_LIFETIME
    if moment(clock) < sent_at + RESEND_PAUSE:
        raise LimitReached(
            "A code was sent a moment ago; wait a minute before another.",
            field="email",
            code="TOO_SOON",
        )


def _count_email_attempt(
    session: Session, account: TwoStepAccount, clock: Clock
) -> None:
    account.pending_email_attempts += 1
    if account.pending_email_attempts < MAX_EMAIL_ATTEMPTS:
        _save(session, account, clock)
        raise wrong_code()
    account.pending_email = account.pending_email_code_hash = None
    account.pending_email_expires_at = None
    _save(session, account, clock)
    raise CodeRefused(
        "Too many wrong codes; set the address again.",
        field="code",
        code="TOO_MANY_ATTEMPTS",
    )


def _own_available(
    session: Session, runtime, principal: Principal
) -> tuple[User, Domain]:
    user, domain = require_own_user(session, principal, setup=True, in_person=True)
    require_available(session, runtime, domain)
    return user, domain


def _save(session: Session, account: TwoStepAccount, clock: Clock) -> None:
    account.updated_at = moment(clock)
    session.add(account)
    session.flush()


def _confirmation_mail(domain: Domain, address: str, code: str):
    return compose(
        domain.name,
        address,
        "Confirm your recovery address",
        f"Your confirmation code is {code}. It is valid for "
        f"{EMAIL_CODE_LIFETIME.seconds // 60} minutes.\n\n"
        "If you did not ask for it, ignore this message.\n",
    )
