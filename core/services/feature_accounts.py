"""Per-user access to counted features, within each domain's accounts.

EAS and MAPI/EWS work alike: a domain settings section gives the domain a
number of ``accounts`` and says whether its domain administrators may hand
them out (``user_management``); each user given access takes one. Plugins
describe their feature with a ``CountedFeature`` and call these services.

A user's access also shows in the user settings section of the same name
(``eas.enabled``), kept in step by ``show_access`` here and by
``core.services.feature_access`` for templates and propagation.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import delete, exists, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import Conflict, LimitReached, PermissionDenied
from core.models import Domain, FeatureAccount, FeatureAccountUsage, User
from core.pagination import Page, after_condition
from core.principal import Principal
from core.runtime import Runtime
from core.services.users import require_user, require_user_admin

logger = logging.getLogger(__name__)

# The key in ``Session.info`` under which ``read_tallies`` keeps its copy.
TALLIES = "feature_account_tallies"


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
    user, domain = require_user(session, principal, email, for_update=True)
    require_user_admin(principal, domain, f"assign {feature.label} access")
    usage = read_usage(session, runtime, feature, domain)
    require_management(principal, feature, usage, field="enabled")

    if enabled:
        grant(session, feature, user, domain, usage.accounts, principal.name)
    else:
        revoke(session, feature, user)
    show_access(runtime, feature, user, enabled)
    return user, read_usage(session, runtime, feature, domain)


def show_access(
    runtime: Runtime, feature: CountedFeature, user: User, enabled: bool
) -> None:
    """Write the access into the user's own section, where templates see it."""
    if runtime.registry.get("user", feature.section) is None:
        return
    patch = {feature.section: {"enabled": enabled}}
    user.settings = runtime.registry.apply_patch(
        "user", user.settings, patch, prefix="settings"
    )


def require_management(
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


def grant(
    session: Session,
    feature: CountedFeature,
    user: User,
    domain: Domain,
    accounts: int,
    by: str,
) -> None:
    if has_access(session, feature, user.id):
        return
    ensure_usage_rows(session, [domain.id], feature.name)

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
    forget_tallies(session, feature.name)
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


def ensure_usage_rows(session: Session, domain_ids: list[int], feature: str) -> None:
    """Make the tally rows of ``domain_ids`` that don't exist yet, in one INSERT."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    domains = select(Domain.id, literal(feature), literal(0)).where(
        Domain.id.in_(domain_ids)
    )
    columns = ["domain_id", "feature", "used"]
    session.execute(
        insert(FeatureAccountUsage)
        .from_select(columns, domains)
        .on_conflict_do_nothing()
    )


def read_tallies(session: Session, feature: CountedFeature) -> dict[int, int]:
    """Accounts in use of ``feature`` by domain id, read once a transaction.

    A domain without a tally row uses none. A propagation judges its
    domains one at a time, and one read serves them all; every change to a
    tally in the transaction drops the copy (``forget_tallies``).
    """
    key = (TALLIES, feature.name)
    if key not in session.info:
        rows = session.execute(
            select(FeatureAccountUsage.domain_id, FeatureAccountUsage.used).where(
                FeatureAccountUsage.feature == feature.name
            )
        )
        session.info[key] = {domain_id: used for domain_id, used in rows}
    return session.info[key]


def forget_tallies(session: Session, feature: str) -> None:
    """Drop the copy ``read_tallies`` keeps; call on every change to a tally."""
    session.info.pop((TALLIES, feature), None)


def revoke(session: Session, feature: CountedFeature, user: User) -> None:
    result = session.execute(
        delete(FeatureAccount).where(
            FeatureAccount.user_id == user.id, FeatureAccount.feature == feature.name
        )
    )
    if result.rowcount:
        _release(session, user.domain_id, feature.name)


def _release(session: Session, domain_id: int, feature: str) -> None:
    forget_tallies(session, feature)
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
