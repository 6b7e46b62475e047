"""The second step of a login: challenges, their codes, and their limits.

``login`` (core) calls ``open_challenge`` once the password is right; for
a user with two-step on it stores a challenge (only its hash) and returns
it instead of a token. ``complete_login`` trades the challenge and one
code for a token: a code from the authenticator, one mailed to the
recovery address by ``send_login_code``, or a recovery code.

A challenge lives ``CHALLENGE_LIFETIME`` and is deleted once used. Each
wrong code counts; the ``MAX_ATTEMPTS``-th locks the challenge, and
``USER_FAILURE_LIMIT`` wrong codes over all of a user's challenges in
``FAILURE_WINDOW`` lock every new one too, so that opening challenge after
challenge does not buy more guesses.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from core.errors import InvalidInput, LimitReached, NotFound, PermissionDenied
from core.models import Domain, User
from core.models.base import as_utc
from core.services.auth import issue_user_token
from plugins.twostep import codes
from plugins.twostep.accounts import get_account
from plugins.twostep.authenticator import check_authenticator_code
from plugins.twostep.codes import Clock, moment
from plugins.twostep.delivery import compose, queue_mail
from plugins.twostep.errors import CodeRefused, wrong_code
from plugins.twostep.models import TwoStepAccount, TwoStepChallenge
from plugins.twostep.policy import SETUP_SCOPE, domain_status
from plugins.twostep.recovery import use_recovery_code
from plugins.twostep.settings import TwoStepStatus
from plugins.twostep.vault import Vault

logger = logging.getLogger(__name__)

CHALLENGE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 5
USER_FAILURE_LIMIT = 10
FAILURE_WINDOW = timedelta(minutes=15)
MAX_CODES_SENT = 3


def open_challenge(session: Session, runtime, user: User, clock: Clock) -> str | None:
    """A new challenge if the user's logins need a second step, else None."""
    domain = session.get(Domain, user.domain_id)
    if domain_status(session, runtime, domain) is TwoStepStatus.DISABLED:
        return None
    account = get_account(session, user.id)
    if account is None or not account.is_active:
        return None

    now = moment(clock)
    _forget_old_challenges(session, user.id, now)
    challenge = secrets.token_urlsafe(32)
    session.add(
        TwoStepChallenge(
            challenge_hash=_hash(challenge),
            user_id=user.id,
            expires_at=now + CHALLENGE_LIFETIME,
            created_at=now,
        )
    )
    session.flush()
    return challenge


def setup_restriction(session: Session, runtime, user: User) -> str | None:
    """Confine the session to the set-up where the domain forces two-step."""
    domain = session.get(Domain, user.domain_id)
    if domain_status(session, runtime, domain) is not TwoStepStatus.FORCED:
        return None
    account = get_account(session, user.id)
    return None if account is not None and account.is_active else SETUP_SCOPE


def complete_login(
    session: Session, runtime, challenge: str, code: str, clock: Clock
) -> str:
    """A token for a right code; every wrong one counts (``CodeRefused``)."""
    row, user = _require_challenge(session, challenge, clock)
    account = get_account(session, user.id, lock=True) or TwoStepAccount(
        user_id=user.id
    )
    if _is_locked(session, row, clock):
        raise _locked()
    if not _accept_code(session, runtime, account, row, code, clock):
        _count_failure(session, row)

    session.delete(row)
    token = issue_user_token(session, user, runtime.config.token_ttl_seconds)
    logger.info("User %s completed a two-step login.", user.id)
    return token


def require_current_code(
    session: Session,
    runtime,
    account: TwoStepAccount,
    current_code: str | None,
    clock: Clock,
) -> None:
    """While two-step is on, changing it needs a current code (authenticator
    or recovery code): a session left open must not be enough to replace the
    owner's second step and lock the owner out. Wrong codes count as in
    ``confirm_action``."""
    if not account.is_active:
        return
    if not current_code:
        raise InvalidInput(
            "Two-step authentication is on: give a current code from the "
            "authenticator, or a recovery code, to change it.",
            field="currentCode",
            code="CURRENT_CODE_REQUIRED",
        )
    confirm_action(session, runtime, account, current_code, clock, field="currentCode")


def confirm_action(
    session: Session,
    runtime,
    account: TwoStepAccount,
    code: str,
    clock: Clock,
    refusal: CodeRefused | None = None,
    *,
    field: str = "code",
) -> None:
    """Check a code for what a signed-in user does with its two-step (turning
    it off, changing a method), against the same limits as logins.

    Each attempt is a challenge of its own that no login can answer (it is
    born expired, its value unknown), so a wrong code counts towards the
    user's lock as a login's does. ``refusal``, a wrong password the caller
    found, is counted and raised the same way.
    """
    now = moment(clock)
    row = TwoStepChallenge(
        challenge_hash=_hash(secrets.token_urlsafe(32)),
        user_id=account.user_id,
        expires_at=now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    if _recent_failures(session, account.user_id, now) >= USER_FAILURE_LIMIT:
        raise CodeRefused(
            "Too many wrong codes or passwords; try again later.",
            field=field,
            code="TOO_MANY_ATTEMPTS",
        )
    if refusal is not None:
        _count_failure(session, row, refusal)
    try:
        if not _accept_code(session, runtime, account, row, code, clock):
            _count_failure(session, row)
    except CodeRefused as refused:
        if refused.field != "code" or field == "code":
            raise
        raise CodeRefused(refused.message, field=field, code=refused.code) from None
    session.delete(row)


def send_login_code(session: Session, runtime, challenge: str, clock: Clock) -> str:
    """Mail a one-time code for the challenge to the recovery address.

    Returns the address, partly hidden. A new code replaces the previous one.
    """
    row, user = _require_challenge(session, challenge, clock)
    account = get_account(session, user.id)
    if account is None or account.recovery_email is None:
        raise PermissionDenied(
            "This account has no recovery address.", code="NO_RECOVERY_EMAIL"
        )
    if _is_locked(session, row, clock):
        raise _locked()
    if row.email_codes_sent >= MAX_CODES_SENT:
        raise LimitReached(
            "Enough codes were sent for this login; log in again.",
            field="challenge",
            code="TOO_MANY_CODES",
        )

    code = codes.new_one_time_code()
    row.email_code_hash = codes.salted_hash(code)
    row.email_codes_sent += 1
    session.add(row)
    domain = session.get(Domain, user.domain_id)
    queue_mail(session, _code_mail(domain.name, account.recovery_email, code))
    return mask_address(account.recovery_email)


def mask_address(address: str) -> str:
    """``j***@example.com``: enough to recognise, not to harvest."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _accept_code(
    session: Session,
    runtime,
    account: TwoStepAccount,
    row: TwoStepChallenge,
    code: str,
    clock: Clock,
) -> bool:
    """Whether ``code`` is good for this login; spends what it used."""
    clean = codes.clean_code(code)
    if codes.is_authenticator_code(clean) and account.secret is not None:
        secret = Vault(runtime.config.data_dir).decrypt(account.secret)
        try:
            account.last_time_step = check_authenticator_code(
                account.last_time_step, secret, clean, clock
            )
        except CodeRefused as refused:
            _count_failure(session, row, refused)
        session.add(account)
        return True
    if codes.is_one_time_code(clean):
        return codes.matches_salted(row.email_code_hash, clean)
    return use_recovery_code(session, account.user_id, clean, moment(clock))


def _require_challenge(
    session: Session, challenge: str, clock: Clock
) -> tuple[TwoStepChallenge, User]:
    row = session.exec(
        select(TwoStepChallenge)
        .where(TwoStepChallenge.challenge_hash == _hash(challenge))
        .with_for_update()
    ).first()
    user = session.get(User, row.user_id) if row is not None else None
    if user is None or not _may_log_in(session, user):
        raise NotFound(
            "No such login; log in again.",
            field="challenge",
            code="CHALLENGE_NOT_FOUND",
        )
    if as_utc(row.expires_at) <= moment(clock):
        raise NotFound(
            "The login expired; log in again.",
            field="challenge",
            code="CHALLENGE_EXPIRED",
        )
    return row, user


def _may_log_in(session: Session, user: User) -> bool:
    domain = session.get(Domain, user.domain_id)
    return user.status == "enabled" and domain.status == "enabled"


def _is_locked(session: Session, row: TwoStepChallenge, clock: Clock) -> bool:
    if row.attempts >= MAX_ATTEMPTS:
        return True
    return _recent_failures(session, row.user_id, moment(clock)) >= USER_FAILURE_LIMIT


def _recent_failures(session: Session, user_id: int, now: datetime) -> int:
    return session.execute(
        select(func.coalesce(func.sum(TwoStepChallenge.attempts), 0)).where(
            TwoStepChallenge.user_id == user_id,
            TwoStepChallenge.created_at > now - FAILURE_WINDOW,
        )
    ).scalar_one()


def _count_failure(
    session: Session, row: TwoStepChallenge, refused: CodeRefused | None = None
) -> None:
    row.attempts += 1
    session.add(row)
    session.flush()
    logger.warning("Refused a two-step code for user %s.", row.user_id)
    if row.attempts >= MAX_ATTEMPTS:
        raise _locked()
    raise refused or wrong_code()


def _locked() -> CodeRefused:
    return CodeRefused(
        "Too many wrong codes; log in again later.",
        field="code",
        code="CHALLENGE_LOCKED",
    )


def _forget_old_challenges(session: Session, user_id: int, now: datetime) -> None:
    """Drop challenges past both their life and the failure window."""
    oldest = now - max(CHALLENGE_LIFETIME, FAILURE_WINDOW)
    session.execute(
        delete(TwoStepChallenge).where(
            TwoStepChallenge.user_id == user_id,
            TwoStepChallenge.created_at <= oldest,
        )
    )


def _hash(challenge: str) -> str:
    return hashlib.sha256(challenge.encode()).hexdigest()


def _code_mail(domain_name: str, address: str, code: str):
    return compose(
        domain_name,
        address,
        "Your login code",
        f"Your login code is {code}. It is valid for this login only, for "
        f"{CHALLENGE_LIFETIME.seconds // 60} minutes.\n\n"
        "If you did not try to log in, change your password.\n",
    )
