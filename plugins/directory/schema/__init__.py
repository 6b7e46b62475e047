"""The directory plugin's GraphQL fields and who may call them."""

from plugins.directory.schema.mutations import (
    directory_bind_password_set,
    directory_users_import,
)
from plugins.directory.schema.queries import DirectoryQueries

MUTATIONS = [
    directory_bind_password_set.DirectoryBindPasswordSetMutation,
    directory_users_import.DirectoryUsersImportMutation,
]

ADMINS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}

# Domain administrators act only on their own domain, and change or import
# only while its directoryIntegration feature is on.
OPERATION_RULES = {
    "directoryBindPasswordSet": ADMINS,
    "setDirectoryBindPassword": ADMINS,
    "importDirectoryUsers": ADMINS,
}


def contributions() -> list:
    from core.schema.builder import SchemaContribution

    items = [SchemaContribution(query=DirectoryQueries)]
    return items + [SchemaContribution(mutation=m) for m in MUTATIONS]
