"""The MAPI/EWS plugin's GraphQL fields."""

from plugins.mapi_ews.schema.mutations.mapi_ews_access_set import (
    MapiEwsAccessSetMutation,
)
from plugins.mapi_ews.schema.queries import MapiEwsQueries

ADMINS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}

# Domain administrators act only within their own domain.
OPERATION_RULES = {
    "mapiEwsAccountUsage": ADMINS,
    "mapiEwsAccounts": ADMINS,
    "setMapiEwsAccess": ADMINS,
}


def contributions() -> list:
    from core.schema.builder import SchemaContribution

    return [
        SchemaContribution(query=MapiEwsQueries),
        SchemaContribution(mutation=MapiEwsAccessSetMutation),
    ]
