"""The EAS device and remote wipe types, and the device mutations' shapes."""

from datetime import datetime

import strawberry

from core.models.base import as_utc
from core.schema.errors import UserError
from plugins.eas.devices import DeviceRow
from plugins.eas.models import EasWipeRequest, WipeState

strawberry.enum(WipeState, description="Where a remote wipe request stands.")


@strawberry.type(description="A request to erase a device at its next sync.")
class EasRemoteWipe:
    state: WipeState = strawberry.field(description="Where the request stands.")
    requested_by: str = strawberry.field(description="Who asked for the wipe.")
    requested_at: datetime = strawberry.field(description="When it was asked for.")
    finished_at: datetime | None = strawberry.field(
        description="When it was completed or cancelled."
    )


@strawberry.type(description="A device that synchronises a user's mailbox over EAS.")
class EasDevice:
    device_id: str = strawberry.field(description="The id the device gave itself.")
    model: str = strawberry.field(description="The model the device reported.")
    registered_at: datetime = strawberry.field(description="Its first sync.")
    last_sync_at: datetime = strawberry.field(description="Its latest sync.")
    remote_wipe: EasRemoteWipe | None = strawberry.field(
        description="The latest remote wipe request for it, if any."
    )


def to_wipe(wipe: EasWipeRequest) -> EasRemoteWipe:
    return EasRemoteWipe(
        state=WipeState(wipe.state),
        requested_by=wipe.requested_by,
        requested_at=as_utc(wipe.requested_at),
        finished_at=as_utc(wipe.finished_at),
    )


def to_device(row: DeviceRow) -> EasDevice:
    device = row.device
    return EasDevice(
        device_id=device.device_id,
        model=device.model,
        registered_at=as_utc(device.registered_at),
        last_sync_at=as_utc(device.last_sync_at),
        remote_wipe=to_wipe(row.wipe) if row.wipe else None,
    )


@strawberry.input(description="One device of one user.")
class EasDeviceInput:
    email: str = strawberry.field(description="The device's user.")
    device_id: str = strawberry.field(description="The id the device gave itself.")


@strawberry.type(description="The result of a change to an EAS device.")
class EasDevicePayload:
    device: EasDevice | None = strawberry.field(
        default=None, description="The device after the change."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")
