"""registerEasDevice: record a device's synchronisation."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.eas import devices
from plugins.eas.schema.types import EasDevicePayload, to_device


@strawberry.input(description="A device synchronising a user's mailbox.")
class EasDeviceRegisterInput:
    email: str = strawberry.field(description="The device's user.")
    device_id: str = strawberry.field(description="The id the device gave itself.")
    model: str = strawberry.field(
        default="", description="The model the device reports."
    )


@strawberry.type
class EasDeviceRegisterMutation:
    @strawberry.mutation(
        description="Record a device's synchronisation, registering it the "
        "first time; the user must have EAS access. Called as the user, or "
        "by the synchronisation service as a system administrator. The "
        "device's remoteWipe tells it whether to erase itself."
    )
    def register_eas_device(
        self,
        info: Info,
        input: Annotated[
            EasDeviceRegisterInput, strawberry.argument(description="The device.")
        ],
    ) -> EasDevicePayload:
        def act(session, ctx):
            row = devices.register_device(
                session, ctx.principal, input.email, input.device_id, input.model
            )
            return {"device": to_device(row)}

        return run_mutation(info, EasDevicePayload, act)
