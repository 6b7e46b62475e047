"""cancelEasRemoteWipe: withdraw a pending remote wipe request."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.eas import devices
from plugins.eas.schema.types import EasDeviceInput, EasDevicePayload, to_device


@strawberry.type
class EasRemoteWipeCancelMutation:
    @strawberry.mutation(description="Withdraw a pending remote wipe request.")
    def cancel_eas_remote_wipe(
        self,
        info: Info,
        input: Annotated[
            EasDeviceInput, strawberry.argument(description="The device.")
        ],
    ) -> EasDevicePayload:
        def act(session, ctx):
            row = devices.cancel_wipe(
                session, ctx.principal, input.email, input.device_id
            )
            return {"device": to_device(row)}

        return run_mutation(info, EasDevicePayload, act)
