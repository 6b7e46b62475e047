"""Counted access as a user setting: creation, updates and propagation.

A plugin with counted accounts (``core.services.feature_accounts``) also
gives users a settings section of the same name with an ``enabled`` field,
so that the user template and its propagation reach the access. These
hooks keep the ``FeatureAccount`` rows and each domain's tally in step with
that field, in the transaction that changes it:

- ``sync_user_access`` when a user is created or an update asks for it;
- ``refuse_propagation`` before user defaults reach a domain, refusing a
  domain whose accounts left can't cover its users without access;
- ``apply_propagation`` after, giving or taking accounts as each user's
  stored field now says and recounting the tallies.

``CountedFeatureHooks`` turns them, with the feature's sections and its
export column, into the hook implementations such a plugin exposes.

Locks are taken in one order everywhere, the user's row before the
domain's tally, so these never deadlock with grants, updates or deletions.
"""

import logging

from sqlalchemy import DateTime, delete, exists, false, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.errors import LimitReached
from core.hookspecs import hookimpl
from core.models import Domain, FeatureAccount, FeatureAccountUsage, User
from core.models.base import utcnow
from core.principal import Principal
from core.runtime import Runtime
from core.services.export_columns import ExportColumn
from core.services.feature_accounts import (
    AccountUsage,
    CountedFeature,
    access_expression,
    ensure_usage_rows,
    forget_tallies,
    grant,
    has_access,
    read_tallies,
    read_usage,
    require_management,
    revoke,
    show_access,
)
from core.services.templates import read_template_settings
from core.settings.section import SectionSpec

logger = logging.getLogger(__name__)

GRANTED_BY_DEFAULTS = "user defaults"


class CountedFeatureHooks:
    """The hooks every plugin with a counted feature implements alike.

    ``section`` and ``user_section`` are the feature's two sections (see
    ``core.settings.counted_feature``). pluggy finds a plugin's hooks among
    its module's attributes, so the plugin binds each method there under
    its own name::

        HOOKS = CountedFeatureHooks(FEATURE, SECTION, USER_SECTION)
        register_domain_sections = HOOKS.register_domain_sections
        after_user_settings = HOOKS.after_user_settings

    and so on for every method below. The users CSV export gains a column
    ``<section>Access``; the propagation hooks run only for propagations of
    the user section.
    """

    def __init__(
        self,
        feature: CountedFeature,
        section: SectionSpec,
        user_section: SectionSpec,
    ) -> None:
        self.feature = feature
        self.section = section
        self.user_section = user_section

    @hookimpl
    def register_domain_sections(self) -> list[SectionSpec]:
        return [self.section]

    @hookimpl
    def register_user_sections(self) -> list[SectionSpec]:
        return [self.user_section]

    @hookimpl
    def register_export_columns(self, kind: str) -> list[ExportColumn]:
        if kind != "users":
            return []
        name = f"{self.feature.section}Access"
        return [ExportColumn(name=name, expression=access_expression(self.feature))]

    @hookimpl
    def after_user_settings(
        self,
        session: Session,
        runtime: Runtime,
        principal: Principal | None,
        user: User,
        domain: Domain,
        created: bool,
        requested: dict,
    ) -> None:
        sync_user_access(
            session,
            runtime,
            principal,
            self.feature,
            user,
            domain,
            created=created,
            requested=requested,
        )

    @hookimpl
    def register_propagation_sections(self) -> list[str]:
        return [self.feature.section]

    @hookimpl
    def validate_user_propagation(
        self, session: Session, runtime: Runtime, domain: Domain, changes: dict
    ) -> str | None:
        return refuse_propagation(session, runtime, self.feature, domain, changes)

    @hookimpl
    def after_user_propagation(
        self, session: Session, runtime: Runtime, domain_ids: list[int], changes: dict
    ) -> None:
        apply_propagation(session, runtime, self.feature, domain_ids, changes)


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
    the caller asked for, even by repeating the user template, is refused
    beyond the domain's accounts, or to a domain administrator while user
    management is off (repeating the template for a new user excepted: it
    would give the same); access only the template gave is granted while
    accounts remain and otherwise left off (the new user's section then
    says so), so that a template with access on never blocks creating
    users in a domain without accounts.
    """
    asked = "enabled" in requested.get(feature.section, {})
    if not (created or asked):
        return
    wanted = runtime.registry.read("user", user.settings, feature.section).enabled
    if wanted == has_access(session, feature, user.id):
        return
    usage = read_usage(session, runtime, feature, domain)
    field = f"settings.{feature.section}.enabled"
    if asked and principal is not None:
        _require_choice(
            session, runtime, principal, feature, usage, created=created, wanted=wanted
        )
    if not wanted:
        revoke(session, feature, user)
        return
    by = principal.name if principal is not None else GRANTED_BY_DEFAULTS
    try:
        grant(session, feature, user, domain, usage.accounts, by)
    except LimitReached as exc:
        if asked:
            raise LimitReached(exc.message, field=field, code=exc.code) from exc
        show_access(runtime, feature, user, False)
        logger.info(
            "User %s of %s starts without %s access: no account left.",
            user.id,
            domain.name,
            feature.label,
        )


def _require_choice(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    feature: CountedFeature,
    usage: AccountUsage,
    *,
    created: bool,
    wanted: bool,
) -> None:
    """Refuse a domain administrator's choice while user management is off.

    A new user's value equal to the user template's is no choice: a form
    prefilled from the template repeats it, and leaving it out would give
    the same.
    """
    if principal.is_system_admin or usage.user_management:
        return
    if created:
        template = read_template_settings(session, runtime, "user")
        if runtime.registry.read("user", template, feature.section).enabled == wanted:
            return
    field = f"settings.{feature.section}.enabled"
    require_management(principal, feature, usage, field=field)


def refuse_propagation(
    session: Session,
    runtime: Runtime,
    feature: CountedFeature,
    domain: Domain,
    changes: dict,
) -> str | None:
    """Why giving access to the users of ``domain`` without it would exceed
    the accounts it has left; None when they suffice or none would change.

    Users who have access keep their accounts, also where they outnumber
    accounts lowered since, so only the others are counted.
    """
    if changes.get(feature.section, {}).get("enabled") is not True:
        return None
    accounts = runtime.registry.read("domain", domain.settings, feature.section)
    # A domain with as many accounts as users can't be short: no read.
    if domain.user_count <= accounts.accounts:
        return None
    used = read_tallies(session, feature).get(domain.id, 0)
    without = domain.user_count - used
    left = max(accounts.accounts - used, 0)
    if without <= left:
        return None
    return (
        f"{domain.name} has {without} users without {feature.label} access and "
        f"{left} of its {accounts.accounts} {feature.label} accounts left."
    )


def apply_propagation(
    session: Session,
    runtime: Runtime,
    feature: CountedFeature,
    domain_ids: list[int],
    changes: dict,
) -> None:
    """Give or take accounts in ``domain_ids`` as users' settings now say.

    Runs after the propagated settings were written. Each user's stored
    field decides, not membership of the domain, so a user created or
    changed by another transaction meanwhile keeps what its own settings
    say. A domain given accounts here and left over its accounts (users
    created since the check) aborts the whole propagation; one that was
    over already (accounts lowered since) and gained none passes.
    """
    if changes.get(feature.section, {}).get("enabled") is None or not domain_ids:
        return
    ensure_usage_rows(session, domain_ids, feature.name)
    enabled = func.coalesce(
        User.settings[(feature.section, "enabled")].as_boolean(), false()
    )
    gained = _insert_accounts(session, feature, domain_ids, enabled)
    users_without = select(User.id).where(User.domain_id.in_(domain_ids), ~enabled)
    session.execute(
        delete(FeatureAccount).where(
            FeatureAccount.feature == feature.name,
            FeatureAccount.domain_id.in_(domain_ids),
            FeatureAccount.user_id.in_(users_without),
        )
    )
    _recount(session, feature, domain_ids)
    if changes[feature.section]["enabled"] and gained:
        _check_within_accounts(session, runtime, feature, sorted(gained))


def _insert_accounts(
    session: Session, feature: CountedFeature, domain_ids: list[int], enabled
) -> set[int]:
    """Give accounts to users whose field is on and who have none; return the
    ids of the domains that gained any."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    granted = select(
        User.domain_id,
        User.id,
        literal(feature.name),
        literal(GRANTED_BY_DEFAULTS),
        literal(utcnow(), DateTime(timezone=True)),
    ).where(
        User.domain_id.in_(domain_ids),
        enabled,
        ~exists().where(
            FeatureAccount.user_id == User.id, FeatureAccount.feature == feature.name
        ),
    )
    columns = ["domain_id", "user_id", "feature", "granted_by", "granted_at"]
    statement = (
        insert(FeatureAccount)
        .from_select(columns, granted)
        .on_conflict_do_nothing()
        .returning(FeatureAccount.domain_id)
    )
    return set(session.execute(statement).scalars())


def _recount(session: Session, feature: CountedFeature, domain_ids: list[int]) -> None:
    forget_tallies(session, feature.name)
    counted = (
        select(func.count(FeatureAccount.id))
        .where(
            FeatureAccount.domain_id == FeatureAccountUsage.domain_id,
            FeatureAccount.feature == feature.name,
        )
        .scalar_subquery()
    )
    session.execute(
        update(FeatureAccountUsage)
        .where(
            FeatureAccountUsage.domain_id.in_(domain_ids),
            FeatureAccountUsage.feature == feature.name,
        )
        .values(used=counted)
    )


def _check_within_accounts(
    session: Session, runtime: Runtime, feature: CountedFeature, domain_ids: list[int]
) -> None:
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
