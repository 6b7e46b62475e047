"""HTTP Basic sign-in for the autodiscover endpoints.

A mail client proves itself with the account's password or, where two-step
authentication runs, one of the user's app passwords. Failures count
towards the login throttle, as failed logins through the API do.
"""

import base64
import binascii
import logging
from dataclasses import dataclass

from sqlmodel import Session, select

from core.db import session_scope
from core.errors import InvalidInput, MailplaneError
from core.models import Domain, DomainAlias, User
from core.passwords import DUMMY_HASH, MAX_LENGTH, verify_password
from core.runtime import Runtime
from core.services import throttle
from core.services.auth import check_user_password
from core.services.user_fields import split_mailbox_address

logger = logging.getLogger(__name__)

TWOSTEP_PLUGIN = "twostep"
MAX_USERNAME_LENGTH = 320


@dataclass(frozen=True)
class Credentials:
    """What a client sent: the username (an address), its password, and from where."""

    username: str
    password: str
    client_address: str | None = None


@dataclass(frozen=True)
class Mailbox:
    """A user with its domain; ``address`` is the address on the domain itself."""

    user: User
    domain: Domain

    @property
    def address(self) -> str:
        return f"{self.user.local_part}@{self.domain.name}"


def parse_basic(header: str, client_address: str | None) -> Credentials | None:
    """Read an ``Authorization: Basic`` header; None when absent or unreadable."""
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None

    username, colon, password = decoded.partition(":")
    if not colon or not username or len(username) > MAX_USERNAME_LENGTH:
        return None
    if len(password) > MAX_LENGTH:
        return None
    return Credentials(username.strip().lower(), password, client_address)


# Finding and proving the mailbox.


def find_mailbox(session: Session, address: str) -> Mailbox | None:
    """The mailbox of an address on its domain or on one of the domain's aliases."""
    try:
        local_part, name = split_mailbox_address(address)
    except InvalidInput:
        return None
    query = select(User, Domain).join(Domain, Domain.id == User.domain_id)
    query = query.where(User.local_part == local_part)
    row = session.exec(query.where(Domain.name == name)).first()
    if row is None:
        aliased = query.join(DomainAlias, DomainAlias.domain_id == Domain.id)
        row = session.exec(aliased.where(DomainAlias.name == name)).first()
    return Mailbox(*row) if row else None


def sign_in(
    session: Session, runtime: Runtime, credentials: Credentials
) -> tuple[Mailbox | None, int | None]:
    """The enabled mailbox the credentials prove, or why not: a wait or nothing.

    A throttled caller checks no password. Every other refusal costs one
    password check, whether or not the address exists, and counts towards
    the login throttle.
    """
    wait = seconds_to_wait(runtime, credentials)
    if wait:
        return None, wait

    mailbox = find_mailbox(session, credentials.username)
    if mailbox is None:
        verify_password(DUMMY_HASH, credentials.password)
    else:
        try:
            if _may_sign_in(session, runtime, mailbox, credentials.password):
                return mailbox, None
        except MailplaneError as exc:
            # No verdict (a directory that can't be reached): refused, but
            # not counted as a wrong password.
            logger.warning(
                "Could not check autodiscover credentials for %r: %s.",
                credentials.username,
                exc.code,
            )
            return None, None

    logger.warning("Refused autodiscover credentials for %r.", credentials.username)
    record_failure(runtime, credentials)
    return None, None


def _may_sign_in(
    session: Session, runtime: Runtime, mailbox: Mailbox, password: str
) -> bool:
    if not password_matches(session, runtime, mailbox.user, password):
        return False
    return mailbox.user.status == "enabled" and mailbox.domain.status == "enabled"


def password_matches(
    session: Session, runtime: Runtime, user: User, password: str
) -> bool:
    """Whether ``password`` proves the user to a mail client.

    That is the account's password, unless two-step authentication protects
    the account: then, as for any mail client, only an app password will do.
    The account password is checked either way, so that the time taken
    tells nothing about the account's two-step state.
    """
    account_password = check_user_password(session, runtime, user, password)
    if not runtime.plugins.is_active(TWOSTEP_PLUGIN):
        return account_password

    from plugins.twostep.accounts import is_active

    if account_password and not is_active(session, user.id):
        return True
    return _app_password_matches(runtime, user, password)


def _app_password_matches(runtime: Runtime, user: User, password: str) -> bool:
    from plugins.twostep.app_passwords import verify_app_password

    # A short transaction of its own: a match notes when it was last used,
    # and the caller's transaction only reads.
    with session_scope(runtime.engine) as session:
        return verify_app_password(session, session.get(User, user.id), password)


# The login throttle: asked before any password is checked, told of failures.


def seconds_to_wait(runtime: Runtime, credentials: Credentials) -> int | None:
    """Seconds the caller must wait before trying again; None when it may try."""
    try:
        throttle.check_login(
            runtime.engine,
            account=credentials.username,
            address=credentials.client_address,
        )
    except throttle.TooManyAttempts as exc:
        return exc.retry_after
    return None


def record_failure(runtime: Runtime, credentials: Credentials) -> None:
    """Count a refused sign-in towards the throttle, in its own transaction."""
    throttle.record_login_failure(
        runtime.engine,
        account=credentials.username,
        address=credentials.client_address,
    )
