"""The two-step types: a user's state, app passwords, and mutation payloads."""

from datetime import datetime

import strawberry

from core.models.base import as_utc
from core.schema.errors import UserError
from core.schema.settings_types import graphql_enum
from plugins.twostep.accounts import AccountState
from plugins.twostep.app_passwords import AppPasswordRow
from plugins.twostep.settings import TwoStepStatus

graphql_enum(TwoStepStatus)


@strawberry.type(description="A user's two-step authentication.")
class TwoStepAccount:
    email: str = strawberry.field(description="The user.")
    domain_status: TwoStepStatus = strawberry.field(
        description="The status in force for the user's domain, the server's "
        "switch and the domain's twoStep section taken together."
    )
    active: bool = strawberry.field(
        description="Logins need a second step: an authenticator or a recovery "
        "address is on."
    )
    authenticator: bool = strawberry.field(description="An authenticator app is on.")
    recovery_email: str | None = strawberry.field(
        description="The confirmed recovery address."
    )
    pending_recovery_email: str | None = strawberry.field(
        description="A recovery address waiting for its confirmation code."
    )
    recovery_codes_left: int = strawberry.field(description="Unused recovery codes.")
    setup_required: bool = strawberry.field(
        description="The domain forces two-step and the user has none yet: "
        "logins give set-up-only sessions."
    )


def to_account(state: AccountState) -> TwoStepAccount:
    return TwoStepAccount(
        email=state.email,
        domain_status=state.domain_status,
        active=state.active,
        authenticator=state.authenticator,
        recovery_email=state.recovery_email,
        pending_recovery_email=state.pending_recovery_email,
        recovery_codes_left=state.recovery_codes_left,
        setup_required=state.setup_required,
    )


@strawberry.type(description="A named password for a user's mail client.")
class AppPassword:
    id: strawberry.ID = strawberry.field(description="The app password's id.")
    name: str = strawberry.field(description="What the user named it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    last_used_at: datetime | None = strawberry.field(
        description="Its latest successful use."
    )
    password: str | None = strawberry.field(
        description="The password itself: at creation, and afterwards only for "
        "administrators of a domain whose features show passwords to them."
    )


def to_app_password(item: AppPasswordRow) -> AppPassword:
    row = item.row
    return AppPassword(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        created_at=as_utc(row.created_at),
        last_used_at=as_utc(row.last_used_at),
        password=item.password,
    )


@strawberry.input(description="A code for the set-up or confirmation under way.")
class TwoStepCodeInput:
    code: str = strawberry.field(description="The code, as shown or received.")
    current_code: str | None = strawberry.field(
        default=None,
        description="Replacing an authenticator while two-step is on: a code "
        "of the current one, or a recovery code (CURRENT_CODE_REQUIRED "
        "without it). Ignored when confirming a recovery address.",
    )


@strawberry.type(description="The result of confirming a two-step method.")
class TwoStepEnabledPayload:
    account: TwoStepAccount | None = strawberry.field(
        default=None, description="The user's two-step state now."
    )
    recovery_codes: list[str] | None = strawberry.field(
        default=None,
        description="The first recovery codes, when this is the first method: "
        "shown this once.",
    )
    token: str | None = strawberry.field(
        default=None,
        description="A full session in place of the set-up-only one the call "
        "was made with; that one is revoked.",
    )
    errors: list[UserError] = strawberry.field(description="Why it was refused.")
