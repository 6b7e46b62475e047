"""Core's schema fragments: the fields every server has, plugins aside."""

from core.schema.auth.login import LoginMutation
from core.schema.auth.queries import AuthQueries
from core.schema.domains.mutations import (
    domain_change_admin,
    domain_change_path,
    domain_create,
    domain_delete,
    domain_rename,
    domain_set_status,
    domain_update,
)
from core.schema.domains.queries import DomainQueries
from core.schema.domains.types import Domain
from core.schema.server.settings import ServerSettingsMutation, ServerSettingsQueries

QUERIES = [AuthQueries, DomainQueries, ServerSettingsQueries]

MUTATIONS = [
    LoginMutation,
    domain_create.DomainCreateMutation,
    domain_rename.DomainRenameMutation,
    domain_change_path.DomainChangePathMutation,
    domain_change_admin.DomainChangeAdminMutation,
    domain_set_status.DomainSetStatusMutation,
    domain_delete.DomainDeleteMutation,
    ServerSettingsMutation,
]

# Mutations whose inputs hold settings are made per build (see builder).
MUTATION_FACTORIES = [domain_update.build]


def core_contributions(types) -> list:
    from core.schema.builder import SchemaContribution

    items = [SchemaContribution(query=q) for q in QUERIES]
    items += [SchemaContribution(mutation=m) for m in MUTATIONS]
    items += [
        SchemaContribution(mutation=factory(types)) for factory in MUTATION_FACTORIES
    ]
    return items


def settings_slots(types) -> list[tuple[type, str, object]]:
    """Output fields whose type is a settings type of this build."""
    return [(Domain, "settings", types.domain_settings)]
