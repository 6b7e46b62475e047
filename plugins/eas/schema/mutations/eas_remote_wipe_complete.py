"""completeEasRemoteWipe: record that a device erased itself."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.errors import run_mutation
from plugins.eas import devices
from plugins.eas.schema.types import EasDeviceInput, EasDevicePayload, to_device


@strawberry.type
class EasRemoteWipeCompleteMutation:
    @strawberry.mutation(
        description="Record that a device erased itself, as its user or the "
        "synchronisation service."
    )
    def complete_eas_remote_wipe(
        self,
        info: Info,
        input: Annotated[
            EasDeviceInput, strawberry.argument(description="The device.")
        ],
    ) -> EasDevicePayload:
        def act(session, ctx):
            row = devices.complete_wipe(
                session, ctx.principal, input.email, input.device_id
            )
            return {"device": to_device(row)}

        return run_mutation(info, EasDevicePayload, act)
