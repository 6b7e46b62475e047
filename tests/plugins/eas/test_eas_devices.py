"""EAS devices: registration at each sync, and remote wipe requests."""

import pytest

from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain

SET_ACCESS = """
mutation Set($input: FeatureAccessInput!) {
  setEasAccess(input: $input) { errors { code } }
}
"""

REGISTER = """
mutation Register($input: EasDeviceRegisterInput!) {
  registerEasDevice(input: $input) {
    device { deviceId model registeredAt lastSyncAt remoteWipe { state } }
    errors { field code message }
  }
}
"""

DEVICE_FIELDS = """
    device { deviceId remoteWipe { state requestedBy requestedAt finishedAt } }
    errors { field code message }
"""

REQUEST_WIPE = (
    "mutation W($input: EasDeviceInput!) { requestEasRemoteWipe(input: $input) {"
    + DEVICE_FIELDS
    + "} }"
)
CANCEL_WIPE = (
    "mutation W($input: EasDeviceInput!) { cancelEasRemoteWipe(input: $input) {"
    + DEVICE_FIELDS
    + "} }"
)
COMPLETE_WIPE = (
    "mutation W($input: EasDeviceInput!) { completeEasRemoteWipe(input: $input) {"
    + DEVICE_FIELDS
    + "} }"
)

DEVICES = """
query Devices($email: String!) {
  easDevices(email: $email) {
    totalCount
    nodes { deviceId model remoteWipe { state } }
  }
}
"""

PHONE = {"email": "u1@a.test", "deviceId": "phone-1"}


@pytest.fixture
def user(client, admin, licensed_runtime):
    """u1@a.test with EAS access, logged in; remote wipe is on in a.test."""
    settings = {"eas": {"accounts": 2, "remote_wipe": True}}
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2"))
    admin.mutate(SET_ACCESS, {"email": "u1@a.test", "enabled": True})
    return client.as_token(client.login("u1@a.test", PASSWORD))


@pytest.fixture
def phone(user) -> dict:
    payload = user.mutate(REGISTER, {**PHONE, "model": "Pocket 3"})
    assert payload["errors"] == []
    return payload["device"]


def test_register_eas_device_records_model_and_sync(phone):
    assert phone["deviceId"] == "phone-1"
    assert phone["model"] == "Pocket 3"
    assert phone["lastSyncAt"] == phone["registeredAt"]
    assert phone["remoteWipe"] is None


def test_registering_again_records_a_later_sync(user, phone):
    again = user.mutate(REGISTER, {**PHONE, "model": "Pocket 3 Pro"})

    listed = user.execute(DEVICES, {"email": "u1@a.test"})["easDevices"]
    assert again["device"]["model"] == "Pocket 3 Pro"
    assert again["device"]["lastSyncAt"] >= phone["lastSyncAt"]
    assert listed["totalCount"] == 1


def test_register_eas_device_needs_eas_access(client, user):
    other = client.as_token(client.login("u2@a.test", PASSWORD))

    payload = other.mutate(REGISTER, {"email": "u2@a.test", "deviceId": "tab"})

    assert error_codes(payload) == ["EAS_ACCESS_REQUIRED"]


def test_user_cannot_register_another_users_device(client, user):
    other = client.as_token(client.login("u2@a.test", PASSWORD))

    payload = other.mutate(REGISTER, {"email": "u1@a.test", "deviceId": "tab"})

    assert error_codes(payload) == ["USER_NOT_FOUND"]


def test_register_eas_device_rejects_blank_id(user):
    payload = user.mutate(REGISTER, {"email": "u1@a.test", "deviceId": "  "})

    assert error_codes(payload) == ["REQUIRED"]
    assert payload["errors"][0]["field"] == "deviceId"


def test_remote_wipe_refused_where_domain_disables_it(admin, licensed_runtime):
    settings = {"eas": {"accounts": 1, "remote_wipe": False}}
    add_domain(licensed_runtime, "b.test", settings=settings, users=("u1",))
    admin.mutate(SET_ACCESS, {"email": "u1@b.test", "enabled": True})
    admin.mutate(REGISTER, {"email": "u1@b.test", "deviceId": "phone-1"})

    payload = admin.mutate(REQUEST_WIPE, {"email": "u1@b.test", "deviceId": "phone-1"})

    assert error_codes(payload) == ["REMOTE_WIPE_DISABLED"]


def test_remote_wipe_request_waits_pending_for_device(user, phone):
    # When the user asks for a wipe
    requested = user.mutate(REQUEST_WIPE, PHONE)

    # Then it is pending, a second request is refused, and the device
    # learns of it at its next sync
    assert requested["device"]["remoteWipe"]["state"] == "PENDING"
    assert requested["device"]["remoteWipe"]["requestedBy"] == "u1@a.test"
    assert error_codes(user.mutate(REQUEST_WIPE, PHONE)) == ["WIPE_ALREADY_PENDING"]
    synced = user.mutate(REGISTER, PHONE)
    assert synced["device"]["remoteWipe"]["state"] == "PENDING"


def test_completed_remote_wipe_is_recorded(user, phone):
    user.mutate(REQUEST_WIPE, PHONE)

    completed = user.mutate(COMPLETE_WIPE, PHONE)

    wipe = completed["device"]["remoteWipe"]
    assert wipe["state"] == "COMPLETED" and wipe["finishedAt"] is not None
    assert error_codes(user.mutate(COMPLETE_WIPE, PHONE)) == ["NO_PENDING_WIPE"]


def test_domain_admin_cancels_a_pending_wipe(client, user, phone):
    user.mutate(REQUEST_WIPE, PHONE)
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    cancelled = domain_admin.mutate(CANCEL_WIPE, PHONE)

    assert cancelled["device"]["remoteWipe"]["state"] == "CANCELLED"
    assert user.mutate(REQUEST_WIPE, PHONE)["errors"] == []


def test_domain_admin_may_not_report_wipe_done(client, user, phone):
    user.mutate(REQUEST_WIPE, PHONE)
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = domain_admin.mutate(COMPLETE_WIPE, PHONE)

    assert error_codes(payload) == ["PERMISSION_DENIED"]


def test_remote_wipe_of_unknown_device_is_not_found(user):
    payload = user.mutate(REQUEST_WIPE, {"email": "u1@a.test", "deviceId": "nope"})

    assert error_codes(payload) == ["DEVICE_NOT_FOUND"]


def test_eas_devices_lists_devices_with_wipe_state(admin, user, phone):
    user.mutate(REGISTER, {"email": "u1@a.test", "deviceId": "tablet-1"})
    user.mutate(REQUEST_WIPE, PHONE)

    listed = admin.execute(DEVICES, {"email": "u1@a.test"})["easDevices"]

    assert listed["totalCount"] == 2
    assert [(n["deviceId"], n["remoteWipe"]) for n in listed["nodes"]] == [
        ("phone-1", {"state": "PENDING"}),
        ("tablet-1", None),
    ]


def test_other_domain_admin_cannot_list_devices(client, licensed_runtime, phone):
    add_domain(licensed_runtime, "b.test")
    stranger = client.as_token(client.login("admin@b.test", PASSWORD))

    body = stranger.raw(DEVICES, {"email": "u1@a.test"})

    assert body["errors"][0]["extensions"]["code"] == "USER_NOT_FOUND"
