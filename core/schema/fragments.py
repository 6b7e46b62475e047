"""Core's schema fragments: the fields every server has, plugins aside."""

from core.schema.admin.mutations.api_key_create import ApiKeyCreateMutation
from core.schema.admin.mutations.api_key_revoke import ApiKeyRevokeMutation
from core.schema.admin.mutations.domain_impersonate import DomainImpersonateMutation
from core.schema.admin.mutations.impersonation_end import ImpersonationEndMutation
from core.schema.admin.mutations.user_impersonate import UserImpersonateMutation
from core.schema.admin.queries import AdminQueries
from core.schema.aliases.mutations import (
    domain_alias_create,
    domain_alias_delete,
    user_alias_create,
    user_alias_delete,
    user_alias_update,
)
from core.schema.aliases.queries import AliasQueries
from core.schema.auth.login import LoginMutation
from core.schema.auth.login_display import LoginDisplayQueries
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
from core.schema.jobs.mutations.job_cancel import CancelJobMutation
from core.schema.jobs.queries import JobQueries
from core.schema.jobs.subscriptions import JobSubscriptions
from core.schema.messaging.mutations.domains_export import DomainsExportMutation
from core.schema.messaging.mutations.mass_email_send import MassEmailSendMutation
from core.schema.messaging.mutations.notification_send import (
    NotificationSendMutation,
)
from core.schema.messaging.mutations.users_export import UsersExportMutation
from core.schema.notifications.mutations.notification_mark_read import (
    NotificationMarkReadMutation,
)
from core.schema.notifications.queries import NotificationQueries
from core.schema.notifications.subscriptions import NotificationSubscriptions
from core.schema.plugins.mutations.license_install import LicenseInstallMutation
from core.schema.plugins.queries import PluginQueries
from core.schema.restore.mutations.disk_usage_recalculate import (
    DiskUsageRecalculateMutation,
)
from core.schema.restore.mutations.folder_attach import FolderAttachMutation
from core.schema.restore.mutations.folder_rebuild import FolderRebuildMutation
from core.schema.restore.mutations.user_attach import UserAttachMutation
from core.schema.server.settings import ServerSettingsMutation, ServerSettingsQueries
from core.schema.templates.mutations import (
    domain_defaults_propagate,
    domain_defaults_update,
    user_defaults_propagate,
    user_defaults_update,
)
from core.schema.templates.queries import TemplateQueries
from core.schema.templates.types import DomainDefaults, UserDefaults
from core.schema.users.mutations import (
    account_update,
    user_create,
    user_delete,
    user_update,
)
from core.schema.users.queries import UserQueries
from core.schema.users.types import User

QUERIES = [
    AuthQueries,
    LoginDisplayQueries,
    DomainQueries,
    ServerSettingsQueries,
    TemplateQueries,
    PluginQueries,
    UserQueries,
    AliasQueries,
    JobQueries,
    NotificationQueries,
    AdminQueries,
]

MUTATIONS = [
    LoginMutation,
    domain_create.DomainCreateMutation,
    domain_rename.DomainRenameMutation,
    domain_change_path.DomainChangePathMutation,
    domain_change_admin.DomainChangeAdminMutation,
    domain_set_status.DomainSetStatusMutation,
    domain_delete.DomainDeleteMutation,
    ServerSettingsMutation,
    domain_defaults_propagate.DomainDefaultsPropagateMutation,
    user_defaults_propagate.UserDefaultsPropagateMutation,
    LicenseInstallMutation,
    user_delete.UserDeleteMutation,
    account_update.AccountUpdateMutation,
    user_alias_create.UserAliasCreateMutation,
    user_alias_update.UserAliasUpdateMutation,
    user_alias_delete.UserAliasDeleteMutation,
    domain_alias_create.DomainAliasCreateMutation,
    domain_alias_delete.DomainAliasDeleteMutation,
    CancelJobMutation,
    DomainsExportMutation,
    UsersExportMutation,
    MassEmailSendMutation,
    NotificationSendMutation,
    NotificationMarkReadMutation,
    UserAttachMutation,
    FolderAttachMutation,
    FolderRebuildMutation,
    DiskUsageRecalculateMutation,
    ApiKeyCreateMutation,
    ApiKeyRevokeMutation,
    DomainImpersonateMutation,
    ImpersonationEndMutation,
    UserImpersonateMutation,
]

SUBSCRIPTIONS = [JobSubscriptions, NotificationSubscriptions]

# Mutations whose inputs hold settings are made per build (see builder).
MUTATION_FACTORIES = [
    domain_update.build,
    domain_defaults_update.build,
    user_defaults_update.build,
    user_create.build,
    user_update.build,
]


def core_contributions(types) -> list:
    from core.schema.builder import SchemaContribution

    items = [SchemaContribution(query=q) for q in QUERIES]
    items += [SchemaContribution(mutation=m) for m in MUTATIONS]
    items += [SchemaContribution(subscription=s) for s in SUBSCRIPTIONS]
    items += [
        SchemaContribution(mutation=factory(types)) for factory in MUTATION_FACTORIES
    ]
    return items


def settings_slots(types) -> list[tuple[type, str, object]]:
    """Output fields whose type is a settings type of this build."""
    return [
        (Domain, "settings", types.domain_settings),
        (DomainDefaults, "settings", types.domain_settings),
        (UserDefaults, "settings", types.user_settings),
        (User, "settings", types.user_settings),
    ]
