"""requestEasRemoteWipe: ask a lost device to erase itself."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.eas import devices
from plugins.eas.schema.types import EasDeviceInput, EasDevicePayload, to_device


@strawberry.type
class EasRemoteWipeRequestMutation:
    @strawberry.mutation(
        description="Ask a device to erase itself at its next sync, where the "
        "domain allows remote wipe. The request stays PENDING until completed "
        "or cancelled."
    )
    def request_eas_remote_wipe(
        self,
        info: Info,
        input: Annotated[
            EasDeviceInput, strawberry.argument(description="The device.")
        ],
    ) -> EasDevicePayload:
        def act(session, ctx):
            row = devices.request_wipe(
                session, ctx.runtime, ctx.principal, input.email, input.device_id
            )
            return {"device": to_device(row)}

        return run_mutation(info, EasDevicePayload, act)
