"""Queries of the system administrator's tools: API keys and the audit log."""

from typing import Annotated

import strawberry

from core.pagination import clean_page_size
from core.schema.admin.types import (
    ApiKey,
    AuditEntry,
    AuditLogFilterInput,
    to_api_key,
    to_audit_entry,
)
from core.schema.context import Info
from core.schema.errors import run_query
from core.schema.pagination import Connection, to_connection
from core.services.api_keys import list_api_keys
from core.services.audit_log import AuditFilter, list_audit_entries

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor to start after.")]


@strawberry.type
class AdminQueries:
    @strawberry.field(
        description="API keys, newest first (system administrators). The "
        "secrets are never shown again."
    )
    def api_keys(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        include_revoked: Annotated[
            bool, strawberry.argument(description="List revoked keys too.")
        ] = False,
    ) -> Connection[ApiKey]:
        def read(session, ctx):
            page = list_api_keys(
                session,
                ctx.principal,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
                include_revoked=include_revoked,
            )
            return to_connection(
                page, to_api_key, lambda row: row.key.id, lambda row: row.key.id
            )

        return run_query(info, read)

    @strawberry.field(
        description="What was done through the API, newest first: every entry "
        "for system administrators, a domain's own for its administrators, "
        "its domains' for an API key."
    )
    def audit_log(
        self,
        info: Info,
        filter: Annotated[
            AuditLogFilterInput | None, strawberry.argument(description="Filters.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[AuditEntry]:
        flt = filter or AuditLogFilterInput()

        def read(session, ctx):
            page = list_audit_entries(
                session,
                ctx.principal,
                first=clean_page_size(first, ctx.runtime.config.max_page_size),
                after=after,
                filters=AuditFilter(
                    flt.domain, flt.actor, flt.action, flt.from_, flt.to
                ),
            )
            return to_connection(
                page, to_audit_entry, lambda row: row.id, lambda row: row.id
            )

        return run_query(info, read)
