"""MAPI/EWS queries: a domain's accounts."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.pagination import Connection
from core.schema.plugins.feature_accounts import (
    FeatureAccount,
    FeatureAccountUsage,
    resolve_accounts,
    resolve_usage,
)
from plugins.mapi_ews.settings import FEATURE

DomainArg = Annotated[str, strawberry.argument(description="The domain name.")]


@strawberry.type
class MapiEwsQueries:
    @strawberry.field(description="A domain's MAPI/EWS accounts: allotted and used.")
    def mapi_ews_account_usage(
        self, info: Info, domain: DomainArg
    ) -> FeatureAccountUsage:
        return resolve_usage(info, FEATURE, domain)

    @strawberry.field(description="The users of a domain that have MAPI/EWS access.")
    def mapi_ews_accounts(
        self,
        info: Info,
        domain: DomainArg,
        first: Annotated[
            int | None, strawberry.argument(description="Page size.")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to start after.")
        ] = None,
    ) -> Connection[FeatureAccount]:
        return resolve_accounts(info, FEATURE, domain, first, after)
