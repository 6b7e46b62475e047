"""EAS queries: a domain's accounts and a user's devices."""

from typing import Annotated

import strawberry

from core.pagination import clean_page_size
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import Connection, to_connection
from core.schema.plugins.feature_accounts import (
    FeatureAccount,
    FeatureAccountUsage,
    resolve_accounts,
    resolve_usage,
)
from plugins.eas import devices
from plugins.eas.schema.types import EasDevice, to_device
from plugins.eas.settings import FEATURE

DomainArg = Annotated[str, strawberry.argument(description="The domain name.")]
FirstArg = Annotated[int | None, strawberry.argument(description="Page size.")]
AfterArg = Annotated[
    str | None, strawberry.argument(description="Cursor to start after.")
]


@strawberry.type
class EasQueries:
    @strawberry.field(description="A domain's EAS accounts: allotted and used.")
    def eas_account_usage(self, info: Info, domain: DomainArg) -> FeatureAccountUsage:
        return resolve_usage(info, FEATURE, domain)

    @strawberry.field(description="The users of a domain that have EAS access.")
    def eas_accounts(
        self,
        info: Info,
        domain: DomainArg,
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[FeatureAccount]:
        return resolve_accounts(info, FEATURE, domain, first, after)

    @strawberry.field(description="A user's synchronised devices, oldest first.")
    def eas_devices(
        self,
        info: Info,
        email: Annotated[str, strawberry.argument(description="The user.")],
        first: FirstArg = None,
        after: AfterArg = None,
    ) -> Connection[EasDevice]:
        def read(session, ctx):
            size = clean_page_size(first, ctx.runtime.config.max_page_size)
            page = devices.list_devices(
                session, ctx.principal, email, first=size, after=after
            )
            return to_connection(
                page, to_device, lambda r: r.device.id, lambda r: r.device.id
            )

        return run_query(info, read)
