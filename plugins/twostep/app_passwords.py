"""App passwords: named passwords for the mail clients of a user with two-step.

A password is 16 random letters (about 75 bits), shown once at creation.
Its SHA-256 finds it at a login (``verify_app_password``); an encrypted
copy lets the administrators of the user's domain see it where the
domain's ``features.showPasswordsToDomainAdmins`` is on. Otherwise nobody
sees it again, the user included.
"""

import logging
import secrets
import string
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.errors import (
    Conflict,
    InvalidInput,
    LimitReached,
    NotFound,
    PermissionDenied,
)
from core.models import Domain, User
from core.models.base import utcnow
from core.pagination import Page, after_condition
from core.principal import Principal, Role, require_authenticated
from core.services.scope import administers, owns_account
from core.services.users import require_user
from plugins.twostep.accounts import is_active
from plugins.twostep.codes import clean_code, plain_hash
from plugins.twostep.models import AppPassword
from plugins.twostep.policy import require_own_user
from plugins.twostep.vault import InvalidToken, Vault

logger = logging.getLogger(__name__)

PASSWORD_LETTERS = 16
MAX_PER_USER = 20
MAX_NAME_LENGTH = 64


@dataclass(frozen=True)
class AppPasswordRow:
    """An app password as a caller may see it: ``password`` only if allowed."""

    row: AppPassword
    password: str | None = None


def create_app_password(
    session: Session, runtime, principal: Principal, name: str
) -> AppPasswordRow:
    """A new app password for the caller's own account, shown this once."""
    user, _domain = require_own_user(session, principal, in_person=True)
    if not is_active(session, user.id):
        raise PermissionDenied(
            "Turn on two-step authentication first.", code="TWO_STEP_REQUIRED"
        )
    name = _clean_name(name)
    _check_room(session, user.id)

    password = _new_password()
    row = AppPassword(
        user_id=user.id,
        name=name,
        password_hash=plain_hash(clean_code(password)),
        password_encrypted=Vault(runtime.config.data_dir).encrypt(password),
    )
    _insert(session, row)
    logger.info("User %s created an app password.", user.id)
    return AppPasswordRow(row, password)


def list_app_passwords(
    session: Session,
    runtime,
    principal: Principal,
    email: str | None,
    *,
    first: int,
    after: str | None,
) -> Page:
    """A user's app passwords, oldest first, in two queries and a count."""
    user, domain = _require_user(session, principal, email)
    conditions = [AppPassword.user_id == user.id]
    total = session.execute(
        select(func.count(AppPassword.id)).where(*conditions)
    ).scalar_one()
    if after:
        conditions.append(after_condition(AppPassword.id, AppPassword.id, after, False))
    rows = session.exec(
        select(AppPassword).where(*conditions).order_by(AppPassword.id).limit(first + 1)
    ).all()

    reveal = _may_see_passwords(runtime, principal, domain)
    vault = Vault(runtime.config.data_dir)
    page = [
        AppPasswordRow(row, _reveal(vault, row) if reveal else None) for row in rows
    ]
    return Page(page[:first], total, len(rows) > first, after is not None)


def revoke_app_password(
    session: Session, principal: Principal, password_id: int
) -> AppPassword:
    """Delete an app password, for its user or an administrator of its domain."""
    require_authenticated(principal)
    row = session.get(AppPassword, password_id)
    user = session.get(User, row.user_id) if row is not None else None
    if user is None or not (
        owns_account(principal, user.id) or administers(principal, user.domain_id)
    ):
        raise NotFound(
            "No such app password.", field="id", code="APP_PASSWORD_NOT_FOUND"
        )
    session.delete(row)
    logger.info("App password %s of user %s was revoked.", row.id, user.id)
    return row


def verify_app_password(session: Session, user: User, password: str) -> bool:
    """Whether ``password`` is one of the user's app passwords; notes its use.

    For mail protocols and HTTP Basic logins of other plugins; runs in the
    caller's transaction.
    """
    clean = clean_code(password)
    if len(clean) != PASSWORD_LETTERS:
        return False
    row = session.exec(
        select(AppPassword).where(
            AppPassword.user_id == user.id,
            AppPassword.password_hash == plain_hash(clean),
        )
    ).first()
    if row is None:
        return False
    row.last_used_at = utcnow()
    session.add(row)
    return True


def _require_user(
    session: Session, principal: Principal, email: str | None
) -> tuple[User, Domain]:
    if email is None:
        return require_own_user(session, principal)
    return require_user(session, principal, email)


def _may_see_passwords(runtime, principal: Principal, domain: Domain) -> bool:
    # People administering the domain, never a key: a portal's key (read-only
    # ones included) has no business holding users' credentials.
    if principal.role is Role.API_KEY or not administers(principal, domain.id):
        return False
    features = runtime.registry.read("domain", domain.settings, "features")
    return features.show_passwords_to_domain_admins


def _reveal(vault: Vault, row: AppPassword) -> str | None:
    try:
        return vault.decrypt(row.password_encrypted)
    except InvalidToken:
        logger.error(
            "App password %s can't be decrypted: was the key replaced?", row.id
        )
        return None


def _clean_name(raw: str) -> str:
    name = raw.strip()
    if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise InvalidInput(
            f"A name needs 1 to {MAX_NAME_LENGTH} printable characters.",
            field="name",
            code="INVALID_NAME",
        )
    return name


def _check_room(session: Session, user_id: int) -> None:
    count = session.execute(
        select(func.count(AppPassword.id)).where(AppPassword.user_id == user_id)
    ).scalar_one()
    if count >= MAX_PER_USER:
        raise LimitReached(
            f"A user has at most {MAX_PER_USER} app passwords; revoke one first.",
            code="APP_PASSWORD_LIMIT_REACHED",
        )


def _insert(session: Session, row: AppPassword) -> None:
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict(
            f"An app password named {row.name!r} exists already.",
            field="name",
            code="APP_PASSWORD_NAME_TAKEN",
        ) from None


def _new_password() -> str:
    letters = "".join(
        secrets.choice(string.ascii_lowercase) for _ in range(PASSWORD_LETTERS)
    )
    return "-".join(letters[i : i + 4] for i in range(0, PASSWORD_LETTERS, 4))
