"""Per-user access to counted features, within each domain's accounts.

EAS and MAPI/EWS work alike: a domain settings section gives the domain a
number of ``accounts`` and says whether its domain administrators may hand
them out (``user_management``); each user given access takes one. Plugins
describe their feature with a ``CountedFeature`` and call these services.

A user's access shows in the user settings section of the same name
(``eas.enabled``), so the user template and its propagation reach it; the
``FeatureAccount`` rows and the domain's tally are kept in step with that
field in the same transaction, by ``sync_user_access`` when a user is
created or updated and by ``refuse_propagation``/``apply_propagation`` when
user defaults are propagated.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import DateTime, delete, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import Conflict, LimitReached, PermissionDenied
from core.models import Domain, FeatureAccount, FeatureAccountUsage, User
from core.models.base import utcnow
from core.pagination import Page, after_condition
from core.principal import Principal
from core.runtime import Runtime
from core.services.users import require_user, require_user_admin

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CountedFeature:
    """A feature whose per-user access counts against a domain's accounts.

    ``name`` is the license feature and the storage key; ``section`` the
    domain settings section with ``accounts`` and ``user_management``
    fields; ``label`` the name shown in messages.
    """

    name: str
    section: str
    label: str


@dataclass(frozen=True)
class AccountUsage:
    """A domain's accounts of one feature: how many it may give, how many it did."""

    domain: Domain
    accounts: int
    used: int
    user_management: bool

    @property
    def available(self) -> int:
        return max(self.accounts - self.used, 0)


@dataclass(frozen=True)
class AccountRow:
    account: FeatureAccount
    email: str


def read_usage(
    session: Session, runtime: Runtime, feature: CountedFeature, domain: Domain
) -> AccountUsage:
    section = runtime.registry.read("domain", domain.settings, feature.section)
    used = session.execute(
        select(FeatureAccountUsage.used).where(
            FeatureAccountUsage.domain_id == domain.id,
            FeatureAccountUsage.feature == feature.name,
        )
    ).scalar_one_or_none()
    return AccountUsage(domain, section.accounts, used or 0, section.user_management)


def has_access(session: Session, feature: CountedFeature, user_id: int) -> bool:
    found = session.execute(
        select(FeatureAccount.id).where(
            FeatureAccount.user_id == user_id, FeatureAccount.feature == feature.name
        )
    ).first()
    return found is not None


def access_expression(feature: CountedFeature):
    """A SQL boolean over the ``user`` table: whether the user has access."""
    return exists().where(
        FeatureAccount.user_id == User.id, FeatureAccount.feature == feature.name
    )


def set_access(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    feature: CountedFeature,
    email: str,
    enabled: bool,
) -> tuple[User, AccountUsage]:
    """Give or take a user's access; giving one more than the accounts fails.

    System administrators always may; a domain administrator only in its
    own domain and while the section's ``user_management`` is on.
    """
    user, domain = require_user(session, principal, email)
    require_user_admin(principal, domain, f"assign {feature.label} access")
    usage = read_usage(session, runtime, feature, domain)
    _require_management(principal, feature, usage, field="enabled")

    if enabled:
        _grant(session, feature, user, domain, usage.accounts, principal.name)
    else:
        _revoke(session, feature, user)
    _show_access(runtime, feature, user, enabled)
    return user, read_usage(session, runtime, feature, domain)


def sync_user_access(
    session: Session,
    runtime: Runtime,
    principal: Principal | None,
    feature: CountedFeature,
    user: User,
    domain: Domain,
    *,
    created: bool,
    requested: dict,
) -> None:
    """Give or take access as the user's ``<section>.enabled`` now says.

    Runs for a new user and for an update that asked for the field. Access
    the caller asked for beyond the domain's accounts, or by a domain
    administrator while user management is off, is refused; access only
    the user template gave is granted while accounts remain and otherwise
    left off (the new user's section then says so), so a template with
    access on never blocks creating users in a domain without accounts.
    """
    asked = "enabled" in requested.get(feature.section, {})
    if not (created or asked):
        return
    wanted = runtime.registry.read("user", user.settings, feature.section).enabled
    if wanted == has_access(session, feature, user.id):
        return
    usage = read_usage(session, runtime, feature, domain)
    if asked and principal is not None:
        field = f"settings.{feature.section}.enabled"
        _require_management(principal, feature, usage, field=field)
    if not wanted:
        _revoke(session, feature, user)
        return
    by = principal.name if principal is not None else "user defaults"
    try:
        _grant(session, feature, user, domain, usage.accounts, by)
    except LimitReached as exc:
        if asked:
            raise LimitReached(
                exc.message, field=f"settings.{feature.section}.enabled", code=exc.code
            ) from None
        _show_access(runtime, feature, user, False)
        logger.info(
            "User %s of %s starts without %s access: no account left.",
            user.id,
            domain.name,
            feature.label,
        )


def refuse_propagation(
    session: Session,
    runtime: Runtime,
    feature: CountedFeature,
    domain: Domain,
    changes: dict,
) -> str | None:
    """Why giving every user of ``domain`` access would exceed its accounts."""
    if changes.get(feature.section, {}).get("enabled") is not True:
        return None
    accounts = runtime.registry.read("domain", domain.settings, feature.section)
    if domain.user_count <= accounts.accounts:
        return None
    return (
        f"{domain.name} has {accounts.accounts} {feature.label} accounts for "
        f"{domain.user_count} users."
    )


def apply_propagation(
    session: Session,
    runtime: Runtime,
    feature: CountedFeature,
    domain_ids: list[int],
    changes: dict,
) -> None:
    """Give (or take) access to every user of the domains, then recount.

    Runs after the propagated settings were written. Usage rows are locked
    first, so grants racing from other transactions wait; a domain that
    ends up over its accounts anyway (users created since the check)
    aborts the whole propagation.
    """
    enabled = changes.get(feature.section, {}).get("enabled")
    if enabled is None or not domain_ids:
        return
    for domain_id in domain_ids:
        _ensure_usage_row(session, domain_id, feature.name)
    in_domains = FeatureAccountUsage.domain_id.in_(domain_ids)
    ours = FeatureAccountUsage.feature == feature.name
    session.execute(
        update(FeatureAccountUsage)
        .where(in_domains, ours)
        .values(used=FeatureAccountUsage.used)
    )
    if enabled:
        _insert_all(session, feature, domain_ids)
    else:
        session.execute(
            delete(FeatureAccount).where(
                FeatureAccount.domain_id.in_(domain_ids),
                FeatureAccount.feature == feature.name,
            )
        )
    counted = (
        select(func.count(FeatureAccount.id))
        .where(
            FeatureAccount.domain_id == FeatureAccountUsage.domain_id,
            FeatureAccount.feature == feature.name,
        )
        .scalar_subquery()
    )
    session.execute(
        update(FeatureAccountUsage).where(in_domains, ours).values(used=counted)
    )
    if enabled:
        _check_within_accounts(session, runtime, feature, domain_ids)


def _insert_all(session: Session, feature: CountedFeature, domain_ids) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    users = select(
        User.domain_id,
        User.id,
        literal(feature.name),
        literal("user defaults"),
        literal(utcnow(), DateTime(timezone=True)),
    ).where(
        User.domain_id.in_(domain_ids),
        ~exists().where(
            FeatureAccount.user_id == User.id, FeatureAccount.feature == feature.name
        ),
    )
    columns = ["domain_id", "user_id", "feature", "granted_by", "granted_at"]
    session.execute(
        insert(FeatureAccount).from_select(columns, users).on_conflict_do_nothing()
    )


def _check_within_accounts(session, runtime, feature, domain_ids) -> None:
    rows = session.execute(
        select(Domain, FeatureAccountUsage.used)
        .join(FeatureAccountUsage, FeatureAccountUsage.domain_id == Domain.id)
        .where(Domain.id.in_(domain_ids), FeatureAccountUsage.feature == feature.name)
    )
    for domain, used in rows:
        accounts = runtime.registry.read("domain", domain.settings, feature.section)
        if used > accounts.accounts:
            raise LimitReached(
                f"{domain.name} gained users meanwhile and would use {used} of "
                f"its {accounts.accounts} {feature.label} accounts; nothing "
                "changed, try again.",
                field="settings",
                code="ACCOUNT_LIMIT_REACHED",
            )


def _show_access(
    runtime: Runtime, feature: CountedFeature, user: User, enabled: bool
) -> None:
    """Write the access into the user's own section, where templates see it."""
    if runtime.registry.get("user", feature.section) is None:
        return
    patch = {feature.section: {"enabled": enabled}}
    user.settings = runtime.registry.apply_patch(
        "user", user.settings, patch, prefix="settings"
    )


def access_hooks(feature: CountedFeature) -> tuple[Callable, Callable, Callable]:
    """The plugin hooks that keep ``feature``'s access in step with settings.

    A plugin marks them and binds them to its hook names::

        after_user_settings, validate_user_propagation, after_user_propagation = (
            hookimpl(hook) for hook in access_hooks(FEATURE)
        )
    """

    def after_user_settings(
        session, runtime, principal, user, domain, created, requested
    ) -> None:
        sync_user_access(
            session,
            runtime,
            principal,
            feature,
            user,
            domain,
            created=created,
            requested=requested,
        )

    def validate_user_propagation(session, runtime, domain, changes) -> str | None:
        return refuse_propagation(session, runtime, feature, domain, changes)

    def after_user_propagation(session, runtime, domain_ids, changes) -> None:
        apply_propagation(session, runtime, feature, domain_ids, changes)

    return after_user_settings, validate_user_propagation, after_user_propagation


def _require_management(
    principal: Principal, feature: CountedFeature, usage: AccountUsage, *, field: str
) -> None:
    if principal.is_system_admin or usage.user_management:
        return
    raise PermissionDenied(
        f"{feature.label} user management is off for {usage.domain.name}; only "
        "a system administrator may assign access.",
        field=field,
        code="USER_MANAGEMENT_DISABLED",
    )


def _grant(
    session: Session,
    feature: CountedFeature,
    user: User,
    domain: Domain,
    accounts: int,
    by: str,
) -> None:
    if has_access(session, feature, user.id):
        return
    _ensure_usage_row(session, domain.id, feature.name)

    # The check and the increment are one conditional UPDATE: the row lock
    # (PostgreSQL) or the write lock (SQLite) orders concurrent grants.
    result = session.execute(
        update(FeatureAccountUsage)
        .where(
            FeatureAccountUsage.domain_id == domain.id,
            FeatureAccountUsage.feature == feature.name,
            FeatureAccountUsage.used < accounts,
        )
        .values(used=FeatureAccountUsage.used + 1)
    )
    if result.rowcount != 1:
        raise LimitReached(
            f"{domain.name} already uses its {accounts} {feature.label} accounts.",
            field="enabled",
            code="ACCOUNT_LIMIT_REACHED",
        )
    _insert_account(session, feature, user, by)


def _insert_account(
    session: Session, feature: CountedFeature, user: User, by: str
) -> None:
    session.add(
        FeatureAccount(
            domain_id=user.domain_id,
            user_id=user.id,
            feature=feature.name,
            granted_by=by,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "Access was given at the same moment by another request; try again.",
            field="email",
            code="CONCURRENT_CHANGE",
        ) from None
    logger.info("%s gave %s access to user %s.", by, feature.label, user.id)


def _ensure_usage_row(session: Session, domain_id: int, feature: str) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(FeatureAccountUsage)
        .values(domain_id=domain_id, feature=feature, used=0)
        .on_conflict_do_nothing()
    )


def _revoke(session: Session, feature: CountedFeature, user: User) -> None:
    result = session.execute(
        delete(FeatureAccount).where(
            FeatureAccount.user_id == user.id, FeatureAccount.feature == feature.name
        )
    )
    if result.rowcount:
        _release(session, user.domain_id, feature.name)


def _release(session: Session, domain_id: int, feature: str) -> None:
    session.execute(
        update(FeatureAccountUsage)
        .where(
            FeatureAccountUsage.domain_id == domain_id,
            FeatureAccountUsage.feature == feature,
            FeatureAccountUsage.used > 0,
        )
        .values(used=FeatureAccountUsage.used - 1)
    )


def release_user(session: Session, user: User) -> None:
    """Give back every account a user holds; call before deleting the user."""
    features = session.execute(
        select(FeatureAccount.feature).where(FeatureAccount.user_id == user.id)
    ).scalars()
    for feature in list(features):
        _release(session, user.domain_id, feature)
    session.execute(delete(FeatureAccount).where(FeatureAccount.user_id == user.id))


def list_accounts(
    session: Session,
    feature: CountedFeature,
    domain: Domain,
    *,
    first: int,
    after: str | None,
) -> Page:
    """Users of a domain with access, oldest grant first, in two queries."""
    conditions = [
        FeatureAccount.domain_id == domain.id,
        FeatureAccount.feature == feature.name,
    ]
    total = session.execute(
        select(func.count(FeatureAccount.id)).where(*conditions)
    ).scalar_one()
    if after:
        conditions.append(
            after_condition(FeatureAccount.id, FeatureAccount.id, after, False)
        )
    query = (
        select(FeatureAccount, User.local_part)
        .join(User, User.id == FeatureAccount.user_id)
        .where(*conditions)
        .order_by(FeatureAccount.id)
        .limit(first + 1)
    )
    rows = [
        AccountRow(account, f"{local}@{domain.name}")
        for account, local in session.execute(query)
    ]
    return Page(rows[:first], total, len(rows) > first, after is not None)
