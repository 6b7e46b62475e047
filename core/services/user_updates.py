"""Changing users: administrators change any field, users their own account."""

import logging
from dataclasses import dataclass, fields

from sqlalchemy import update
from sqlmodel import Session

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.models import AuthToken, Domain, User
from core.models.base import utcnow
from core.passwords import hash_password, validate_password, verify_password
from core.principal import Principal, require_authenticated
from core.runtime import Runtime
from core.services import throttle, user_fields
from core.services.feature_gates import validate_user_features
from core.services.scope import administers, mailbox_addresses
from core.services.settings_access import clean_settings_patch
from core.services.users import require_user
from core.text import to_camel

logger = logging.getLogger(__name__)

# What a user may change on its own account; the rest is for administrators.
OWN_ACCOUNT_FIELDS = frozenset({"display_name", "profile", "forwarding"})


@dataclass(frozen=True)
class UserChanges:
    """Changes to a user; a field left None stays as it is."""

    password: str | None = None
    display_name: str | None = None
    status: str | None = None
    is_domain_admin: bool | None = None
    auth_type: str | None = None
    mailbox_size_mb: int | None = None
    profile: dict | None = None
    forwarding: dict | None = None
    settings: dict | None = None

    def given(self) -> set[str]:
        return {f.name for f in fields(self) if getattr(self, f.name) is not None}


def update_user(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    email: str,
    changes: UserChanges,
) -> tuple[User, Domain]:
    """Apply changes, all or nothing, within the caller's rights."""
    user, domain = require_user(session, principal, email, for_update=True)
    by_admin = administers(principal, domain.id)
    if not by_admin:
        _refuse_fields(changes.given() - OWN_ACCOUNT_FIELDS)
    _apply(session, runtime, principal, user, domain, changes, by_admin=by_admin)
    return user, domain


def update_my_account(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    changes: UserChanges,
    *,
    current_password: str | None,
    client_address: str | None = None,
) -> tuple[User, Domain]:
    """A user's changes to its own account; a new password needs the current one.

    A wrong current password counts as a failed login of the account (and
    of ``client_address``), so a session held by someone else can't be used
    to guess the password at leisure.
    """
    require_authenticated(principal)
    user = session.get(User, principal.user_id) if principal.user_id else None
    if user is None:
        raise PermissionDenied("Only users have an account of their own.")
    _refuse_fields(changes.given() - OWN_ACCOUNT_FIELDS - {"password"})
    if changes.password is not None and user.auth_type == "directory":
        raise InvalidInput(
            "Your password is kept by your organisation's directory; change it there.",
            field="password",
            code="DIRECTORY_MANAGED",
        )
    domain = session.get(Domain, user.domain_id)
    if changes.password is not None:
        account = f"{user.local_part}@{domain.name}"
        throttle.refuse_throttled(session, account=account, address=client_address)
        if not verify_password(user.password_hash, current_password or ""):
            throttle.count_failure_on_rollback(
                session, account=account, address=client_address
            )
            raise InvalidInput(
                "The current password is wrong.",
                field="currentPassword",
                code="WRONG_PASSWORD",
            )
    _apply(session, runtime, principal, user, domain, changes, by_admin=False)
    return user, domain


def _refuse_fields(names: set[str]) -> None:
    if names:
        name = to_camel(min(names))
        raise PermissionDenied(
            f"Only an administrator of the domain may change {name}.", field=name
        )


def _apply(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    user: User,
    domain: Domain,
    changes: UserChanges,
    *,
    by_admin: bool,
) -> None:
    values = _clean_values(session, runtime, user, domain, changes, by_admin=by_admin)
    if changes.settings:
        patch = clean_settings_patch(
            session, runtime, principal, "user", changes.settings
        )
        validate_user_features(runtime, domain.settings, user.settings, patch)
        values["settings"] = runtime.registry.apply_patch(
            "user", user.settings, patch, prefix="settings"
        )
    if changes.password is not None:
        validate_password(changes.password)
        values["password_hash"] = hash_password(changes.password)

    for name, value in values.items():
        setattr(user, name, value)
    session.add(user)
    if changes.settings:
        runtime.plugins.after_user_settings(
            session=session,
            runtime=runtime,
            principal=principal,
            user=user,
            domain=domain,
            created=False,
            requested=patch,
        )
    if changes.password is not None:
        revoke_other_sessions(session, user.id, keep=principal.token_id)
    logger.info("Changed user %s@%s.", user.local_part, domain.name)


def _clean_values(
    session: Session,
    runtime: Runtime,
    user: User,
    domain: Domain,
    changes: UserChanges,
    *,
    by_admin,
) -> dict:
    values: dict = {}
    if changes.display_name is not None:
        values["display_name"] = user_fields.clean_display_name(changes.display_name)
    if changes.status is not None:
        values["status"] = user_fields.clean_status(changes.status)
    if changes.is_domain_admin is not None:
        values["is_domain_admin"] = _clean_admin_flag(user, domain, changes)
    if changes.auth_type is not None:
        values["auth_type"] = user_fields.clean_auth_type(
            runtime, domain.settings, changes.auth_type
        )
    if changes.mailbox_size_mb is not None:
        values["mailbox_size_mb"] = user_fields.clean_mailbox_size(
            runtime, domain.settings, changes.mailbox_size_mb
        )
    if changes.profile:
        current = {name: getattr(user, name) for name in user_fields.PROFILE_FIELDS}
        values.update(user_fields.clean_profile(current, changes.profile))
    if changes.forwarding:
        values["forwarding"] = _clean_forwarding(
            session, runtime, user, domain, changes.forwarding, by_admin
        ).as_stored()
    return values


def _clean_admin_flag(user: User, domain: Domain, changes: UserChanges) -> bool:
    if not changes.is_domain_admin and domain.primary_admin_id == user.id:
        raise Conflict(
            "The primary domain administrator stays an administrator; "
            "change the primary administrator first.",
            field="isDomainAdmin",
            code="PRIMARY_ADMIN",
        )
    return changes.is_domain_admin


def _clean_forwarding(session, runtime, user, domain, changes: dict, by_admin: bool):
    own_addresses = mailbox_addresses(session, domain, user.local_part)
    return user_fields.clean_forwarding(
        runtime,
        domain.settings,
        user_fields.read_forwarding(user.forwarding),
        changes,
        own_addresses=own_addresses,
        by_admin=by_admin,
    )


def revoke_other_sessions(session: Session, user_id: int, *, keep: int | None) -> None:
    """End every session of the user but ``keep`` (after a password change)."""
    conditions = [AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None)]
    if keep is not None:
        conditions.append(AuthToken.id != keep)
    session.execute(update(AuthToken).where(*conditions).values(revoked_at=utcnow()))
