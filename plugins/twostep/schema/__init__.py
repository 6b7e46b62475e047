"""The two-step plugin's GraphQL fields."""

from plugins.twostep.schema.mutations import (
    app_password_create,
    app_password_revoke,
    login_complete,
    recovery_code_send,
    recovery_codes_regenerate,
    recovery_email_confirm,
    recovery_email_set,
    two_step_disable,
    two_step_reset,
    two_step_setup_begin,
    two_step_setup_confirm,
)
from plugins.twostep.schema.queries import TwoStepQueries

MUTATIONS = [
    login_complete.LoginCompleteMutation,
    recovery_code_send.RecoveryCodeSendMutation,
    two_step_setup_begin.TwoStepSetupBeginMutation,
    two_step_setup_confirm.TwoStepSetupConfirmMutation,
    recovery_email_set.RecoveryEmailSetMutation,
    recovery_email_confirm.RecoveryEmailConfirmMutation,
    recovery_codes_regenerate.RecoveryCodesRegenerateMutation,
    app_password_create.AppPasswordCreateMutation,
    app_password_revoke.AppPasswordRevokeMutation,
    two_step_reset.TwoStepResetMutation,
    two_step_disable.TwoStepDisableMutation,
]

EVERYONE = {"SYSTEM_ADMIN", "DOMAIN_ADMIN", "USER", "ANONYMOUS"}
MEMBERS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN", "USER"}
ADMINS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}
# Users and domain administrators act on their own account; system
# administrators have none.
ACCOUNT_OWNERS = {"DOMAIN_ADMIN", "USER"}

OPERATION_RULES = {
    "twoStep": MEMBERS,
    "appPasswords": MEMBERS,
    "completeLogin": EVERYONE,
    "sendTwoStepRecoveryCode": EVERYONE,
    "beginTwoStepSetup": ACCOUNT_OWNERS,
    "confirmTwoStepSetup": ACCOUNT_OWNERS,
    "setTwoStepRecoveryEmail": ACCOUNT_OWNERS,
    "confirmTwoStepRecoveryEmail": ACCOUNT_OWNERS,
    "regenerateRecoveryCodes": ACCOUNT_OWNERS,
    "createAppPassword": ACCOUNT_OWNERS,
    "revokeAppPassword": MEMBERS,
    "resetTwoStep": ADMINS,
    "disableTwoStep": ACCOUNT_OWNERS,
}


def contributions() -> list:
    from core.schema.builder import SchemaContribution

    items = [SchemaContribution(query=TwoStepQueries)]
    return items + [SchemaContribution(mutation=m) for m in MUTATIONS]
