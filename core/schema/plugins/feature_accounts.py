"""Types and resolvers shared by plugins with counted per-user access.

A plugin declares its own fields (``easAccounts``, ``setEasAccess``) and
answers them with these resolvers and types, naming its ``CountedFeature``.
"""

from datetime import datetime

import strawberry

from core.models.base import as_utc
from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation, run_query
from core.schema.pagination import Connection, to_connection
from core.services import feature_accounts
from core.services.feature_accounts import AccountRow, AccountUsage, CountedFeature
from core.services.scope import require_managed_domain


@strawberry.type(
    description="A domain's accounts of a counted feature such as EAS: how "
    "many users may have access, and how many have."
)
class FeatureAccountUsage:
    domain: str = strawberry.field(description="The domain.")
    accounts: int = strawberry.field(
        description="Most users of the domain that may have access."
    )
    used: int = strawberry.field(description="Users that have access now.")
    available: int = strawberry.field(description="Accounts still free.")
    user_management: bool = strawberry.field(
        description="Whether the domain's administrators may give access."
    )


@strawberry.type(description="A user's access to a counted feature such as EAS.")
class FeatureAccount:
    email: str = strawberry.field(description="The user's address.")
    granted_by: str = strawberry.field(description="Who gave the access.")
    granted_at: datetime = strawberry.field(description="When it was given.")


@strawberry.input(description="Give or take one user's access to a counted feature.")
class FeatureAccessInput:
    email: str = strawberry.field(description="The user's address.")
    enabled: bool = strawberry.field(
        description="True to give access, false to take it."
    )


@strawberry.type(description="The result of giving or taking a user's access.")
class FeatureAccessPayload:
    email: str | None = strawberry.field(
        default=None, description="The user's address."
    )
    enabled: bool | None = strawberry.field(
        default=None, description="Whether the user has access now."
    )
    usage: FeatureAccountUsage | None = strawberry.field(
        default=None, description="The domain's accounts after the change."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


def to_usage(usage: AccountUsage) -> FeatureAccountUsage:
    return FeatureAccountUsage(
        domain=usage.domain.name,
        accounts=usage.accounts,
        used=usage.used,
        available=usage.available,
        user_management=usage.user_management,
    )


def to_account(row: AccountRow) -> FeatureAccount:
    return FeatureAccount(
        email=row.email,
        granted_by=row.account.granted_by,
        granted_at=as_utc(row.account.granted_at),
    )


def resolve_usage(
    info: Info, feature: CountedFeature, domain: str
) -> FeatureAccountUsage:
    def read(session, ctx):
        row = require_managed_domain(session, ctx.principal, domain)
        return to_usage(feature_accounts.read_usage(session, ctx.runtime, feature, row))

    return run_query(info, read)


def resolve_accounts(
    info: Info,
    feature: CountedFeature,
    domain: str,
    first: int | None,
    after: str | None,
) -> Connection[FeatureAccount]:
    def read(session, ctx):
        row = require_managed_domain(session, ctx.principal, domain)
        size = clean_page_size(first, ctx.runtime.config.max_page_size)
        page = feature_accounts.list_accounts(
            session, feature, row, first=size, after=after
        )
        return to_connection(
            page, to_account, lambda r: r.account.id, lambda r: r.account.id
        )

    return run_query(info, read)


def resolve_set_access(
    info: Info, feature: CountedFeature, input: FeatureAccessInput
) -> FeatureAccessPayload:
    def act(session, ctx):
        user, usage = feature_accounts.set_access(
            session, ctx.runtime, ctx.principal, feature, input.email, input.enabled
        )
        return {
            "email": f"{user.local_part}@{usage.domain.name}",
            "enabled": input.enabled,
            "usage": to_usage(usage),
        }

    return run_mutation(info, FeatureAccessPayload, act)
