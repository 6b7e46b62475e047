"""Queries of the system administrator's tools: API keys and the audit log."""

from typing import Annotated

import strawberry

from core.schema.admin.types import (
    ApiKey,
    AuditEntry,
    AuditLogFilterInput,
    to_api_key,
    to_audit_entry,
)
from core.schema.context import Info
from core.schema.pagination import After, Connection, First, run_list, to_connection
from core.services.api_keys import list_api_keys
from core.services.audit_log import AuditFilter, list_audit_entries


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
        def read(session, ctx, request):
            page = list_api_keys(
                session,
                ctx.principal,
                first=request.size,
                after=request.after,
                include_revoked=include_revoked,
            )
            return to_connection(page, to_api_key, row_id=lambda row: row.key.id)

        return run_list(info, first, after, read)

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

        def read(session, ctx, request):
            page = list_audit_entries(
                session,
                ctx.principal,
                first=request.size,
                after=request.after,
                filters=AuditFilter(
                    flt.domain, flt.actor, flt.action, flt.from_, flt.to
                ),
            )
            return to_connection(page, to_audit_entry)

        return run_list(info, first, after, read)
