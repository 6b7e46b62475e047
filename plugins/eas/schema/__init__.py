"""The EAS plugin's GraphQL fields."""

from plugins.eas.schema.mutations import (
    eas_access_set,
    eas_device_register,
    eas_remote_wipe_cancel,
    eas_remote_wipe_complete,
    eas_remote_wipe_request,
)
from plugins.eas.schema.queries import EasQueries

MUTATIONS = [
    eas_access_set.EasAccessSetMutation,
    eas_device_register.EasDeviceRegisterMutation,
    eas_remote_wipe_request.EasRemoteWipeRequestMutation,
    eas_remote_wipe_cancel.EasRemoteWipeCancelMutation,
    eas_remote_wipe_complete.EasRemoteWipeCompleteMutation,
]

ADMINS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}
EVERYONE = {"SYSTEM_ADMIN", "DOMAIN_ADMIN", "USER"}

# Domain administrators and users act only within their own domain or
# account; "USER" here includes a domain administrator's own mailbox.
OPERATION_RULES = {
    "easAccountUsage": ADMINS,
    "easAccounts": ADMINS,
    "easDevices": EVERYONE,
    "setEasAccess": ADMINS,
    "registerEasDevice": EVERYONE,
    "requestEasRemoteWipe": EVERYONE,
    "cancelEasRemoteWipe": EVERYONE,
    "completeEasRemoteWipe": EVERYONE,
}


def contributions() -> list:
    from core.schema.builder import SchemaContribution

    items = [SchemaContribution(query=EasQueries)]
    return items + [SchemaContribution(mutation=m) for m in MUTATIONS]
