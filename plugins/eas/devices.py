"""EAS devices: registration at each synchronisation, and remote wipe requests.

A device registers (and re-registers at every synchronisation) as its user,
or through a system administrator's token held by the synchronisation
service. A remote wipe request waits, PENDING, until the device reports the
wipe done (COMPLETED) or someone withdraws it (CANCELLED).
"""

import logging
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import User
from core.models.base import utcnow
from core.pagination import Page, after_condition
from core.principal import Principal
from core.runtime import Runtime
from core.services.feature_accounts import has_access
from core.services.scope import owns_account
from core.services.users import require_user
from plugins.eas.models import EasDevice, EasWipeRequest, WipeState
from plugins.eas.settings import FEATURE

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 128


@dataclass(frozen=True)
class DeviceRow:
    """A device with its latest wipe request, if any."""

    device: EasDevice
    wipe: EasWipeRequest | None


def register_device(
    session: Session, principal: Principal, email: str, device_id: str, model: str
) -> DeviceRow:
    """Record a device's synchronisation; the first one registers it.

    The user must have EAS access. Returns the device with its latest wipe
    request, so that a device learns of a pending wipe when it syncs.
    """
    user, _domain = require_user(session, principal, email)
    _require_self_or_system(principal, user)
    if not has_access(session, FEATURE, user.id):
        raise PermissionDenied(
            f"{email} has no EAS access.", field="email", code="EAS_ACCESS_REQUIRED"
        )
    device_id = _clean_text(device_id, "deviceId", required=True)
    model = _clean_text(model, "model", required=False)

    device = _find_device(session, user, device_id)
    if device is None:
        device = _add_device(session, user, device_id, model)
    else:
        device.model = model or device.model
        device.last_sync_at = utcnow()
        session.add(device)
    return DeviceRow(device, _latest_wipe(session, device.id))


def _add_device(session: Session, user: User, device_id: str, model: str) -> EasDevice:
    now = utcnow()
    device = EasDevice(
        user_id=user.id,
        device_id=device_id,
        model=model,
        registered_at=now,
        last_sync_at=now,
    )
    session.add(device)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            "The device registered at the same moment; sync again.",
            field="deviceId",
            code="CONCURRENT_CHANGE",
        ) from None
    logger.info("Registered EAS device %s of user %s.", device.id, user.id)
    return device


def request_wipe(
    session: Session, runtime: Runtime, principal: Principal, email: str, device_id: str
) -> DeviceRow:
    """Ask a device to erase itself, where the domain's eas section allows it."""
    user, domain = require_user(session, principal, email)
    if not runtime.registry.read("domain", domain.settings, "eas").remote_wipe:
        raise PermissionDenied(
            f"Remote wipe is off for {domain.name}.",
            field="deviceId",
            code="REMOTE_WIPE_DISABLED",
        )
    device = _require_device(session, user, device_id, lock=True)
    if _pending_wipe(session, device) is not None:
        raise Conflict(
            "A remote wipe of this device is already pending.",
            field="deviceId",
            code="WIPE_ALREADY_PENDING",
        )

    wipe = EasWipeRequest(device_pk=device.id, requested_by=principal.name)
    session.add(wipe)
    session.flush()
    logger.warning("%s asked to wipe EAS device %s.", principal.name, device.id)
    return DeviceRow(device, wipe)


def cancel_wipe(
    session: Session, principal: Principal, email: str, device_id: str
) -> DeviceRow:
    """Withdraw a pending wipe request."""
    user, _domain = require_user(session, principal, email)
    return _finish_wipe(session, user, device_id, WipeState.CANCELLED)


def complete_wipe(
    session: Session, principal: Principal, email: str, device_id: str
) -> DeviceRow:
    """Record that the device erased itself; reported by the device or service."""
    user, _domain = require_user(session, principal, email)
    _require_self_or_system(principal, user)
    return _finish_wipe(session, user, device_id, WipeState.COMPLETED)


def _finish_wipe(
    session: Session, user: User, device_id: str, state: WipeState
) -> DeviceRow:
    device = _require_device(session, user, device_id, lock=True)
    wipe = _pending_wipe(session, device)
    if wipe is None:
        raise Conflict(
            "No remote wipe of this device is pending.",
            field="deviceId",
            code="NO_PENDING_WIPE",
        )
    wipe.state = state.value
    wipe.finished_at = utcnow()
    session.add(wipe)
    logger.info("Remote wipe of EAS device %s is %s.", device.id, state.value)
    return DeviceRow(device, wipe)


def list_devices(
    session: Session, principal: Principal, email: str, *, first: int, after: str | None
) -> Page:
    """A user's devices in registration order, in three queries."""
    user, _domain = require_user(session, principal, email)
    conditions = [EasDevice.user_id == user.id]
    total = session.execute(
        select(func.count(EasDevice.id)).where(*conditions)
    ).scalar_one()
    if after:
        conditions.append(after_condition(EasDevice.id, EasDevice.id, after, False))
    devices = session.exec(
        select(EasDevice).where(*conditions).order_by(EasDevice.id).limit(first + 1)
    ).all()
    wipes = _latest_wipes(session, [device.id for device in devices[:first]])
    rows = [DeviceRow(device, wipes.get(device.id)) for device in devices[:first]]
    return Page(rows, total, len(devices) > first, after is not None)


def _latest_wipes(session: Session, device_pks: list[int]) -> dict:
    if not device_pks:
        return {}
    wipes = session.exec(
        select(EasWipeRequest)
        .where(EasWipeRequest.device_pk.in_(device_pks))
        .order_by(EasWipeRequest.id)
    ).all()
    # Later requests overwrite earlier ones: the newest of each device stays.
    return {wipe.device_pk: wipe for wipe in wipes}


def _latest_wipe(session: Session, device_pk: int) -> EasWipeRequest | None:
    return _latest_wipes(session, [device_pk]).get(device_pk)


def _pending_wipe(session: Session, device: EasDevice) -> EasWipeRequest | None:
    return session.exec(
        select(EasWipeRequest).where(
            EasWipeRequest.device_pk == device.id,
            EasWipeRequest.state == WipeState.PENDING.value,
        )
    ).first()


def _find_device(
    session: Session, user: User, device_id: str, *, lock: bool = False
) -> EasDevice | None:
    query = select(EasDevice).where(
        EasDevice.user_id == user.id, EasDevice.device_id == device_id
    )
    # Locking the device orders concurrent wipe requests for it (PostgreSQL);
    # SQLite's write lock already does.
    return session.exec(query.with_for_update() if lock else query).first()


def _require_device(
    session: Session, user: User, device_id: str, *, lock: bool = False
) -> EasDevice:
    device = _find_device(session, user, device_id.strip(), lock=lock)
    if device is None:
        raise NotFound(
            f"No device {device_id!r} for this user.",
            field="deviceId",
            code="DEVICE_NOT_FOUND",
        )
    return device


def _require_self_or_system(principal: Principal, user: User) -> None:
    if not principal.is_system_admin and not owns_account(principal, user.id):
        raise PermissionDenied(
            "Only the device's user or the synchronisation service may do this.",
            field="email",
        )


def _clean_text(raw: str, field: str, *, required: bool) -> str:
    value = raw.strip()
    if required and not value:
        raise InvalidInput(f"{field} is required.", field=field, code="REQUIRED")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidInput(
            f"{field} must be at most {MAX_TEXT_LENGTH} characters.",
            field=field,
            code="TOO_LONG",
        )
    if not value.isprintable():
        raise InvalidInput(
            f"{field} must be printable text.", field=field, code="INVALID_CHARACTERS"
        )
    return value
