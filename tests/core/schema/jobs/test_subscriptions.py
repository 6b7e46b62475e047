"""Subscriptions over graphql-transport-ws: jobProgress and notificationAdded."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.websockets import WebSocketDisconnect

from core.schema.jobs import subscriptions as job_subscriptions
from core.schema.notifications import subscriptions as notification_subscriptions

PROTOCOL = "graphql-transport-ws"
EXPORT = "mutation { exportUsersCsv { job { id } errors { code } } }"
JOB_PROGRESS = """
subscription Progress($id: ID!) {
  jobProgress(id: $id) { id state progress { done total } result }
}
"""
NOTIFICATION_ADDED = "subscription { notificationAdded { subject body read } }"
NOTIFY = """
mutation Notify($input: SendNotificationInput!) {
  sendNotification(input: $input) { job { id } errors { code } }
}
"""


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch):
    monkeypatch.setattr(job_subscriptions, "POLL_SECONDS", 0.02)
    monkeypatch.setattr(notification_subscriptions, "POLL_SECONDS", 0.02)


@pytest.fixture
def receiver():
    pool = ThreadPoolExecutor(1)

    def receive(socket, timeout: float = 15) -> dict:
        return pool.submit(socket.receive_json).result(timeout=timeout)

    yield receive
    pool.shutdown(wait=False, cancel_futures=True)


@pytest.fixture
def stream_ready(monkeypatch) -> threading.Event:
    """Set once a notificationAdded stream has read where it starts from, so
    that a notification sent after it is one the stream must push."""
    ready = threading.Event()
    original = notification_subscriptions.latest_notification_id

    def latest(*args):
        value = original(*args)
        ready.set()
        return value

    monkeypatch.setattr(notification_subscriptions, "latest_notification_id", latest)
    return ready


def _open(client, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.http.websocket_connect(
        "/graphql", subprotocols=[PROTOCOL], headers=headers
    )


def _init(socket, receive, token: str | None) -> None:
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    socket.send_json({"type": "connection_init", "payload": payload})
    assert receive(socket) == {"type": "connection_ack"}


def _subscribe(socket, query: str, variables: dict | None = None) -> None:
    socket.send_json(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": query, "variables": variables or {}},
        }
    )


def test_job_progress_streams_until_the_job_ends(admin, receiver, domain_a):
    job_id = admin.execute(EXPORT)["exportUsersCsv"]["job"]["id"]

    with _open(admin, admin.token) as socket:
        _init(socket, receiver, None)
        _subscribe(socket, JOB_PROGRESS, {"id": job_id})
        messages = []
        while not messages or messages[-1]["type"] != "complete":
            messages.append(receiver(socket))

    updates = [m["payload"]["data"]["jobProgress"] for m in messages[:-1]]
    assert {m["type"] for m in messages[:-1]} == {"next"}
    assert updates[-1]["state"] == "SUCCEEDED"
    assert updates[-1]["progress"] == {"done": 4, "total": 4}
    dones = [u["progress"]["done"] for u in updates]
    assert dones == sorted(dones)


def test_job_progress_hides_other_callers_jobs(admin, boss, receiver, domain_a):
    job_id = admin.execute(EXPORT)["exportUsersCsv"]["job"]["id"]

    with _open(boss, boss.token) as socket:
        _init(socket, receiver, boss.token)
        _subscribe(socket, JOB_PROGRESS, {"id": job_id})
        message = receiver(socket)

    assert message["type"] == "next" and message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "JOB_NOT_FOUND"


def test_notification_added_pushes_new_notifications(
    admin, user, receiver, stream_ready, domain_a
):
    with _open(user, None) as socket:
        _init(socket, receiver, user.token)
        _subscribe(socket, NOTIFICATION_ADDED)
        assert stream_ready.wait(10)
        admin.mutate(
            NOTIFY, {"to": "ALL_USERS", "subject": "Maintenance", "body": "At ten."}
        )
        message = receiver(socket)

    assert message["type"] == "next"
    assert message["payload"]["data"]["notificationAdded"] == {
        "subject": "Maintenance",
        "body": "At ten.",
        "read": False,
    }


def test_connection_with_a_bad_token_is_refused(client, receiver):
    with _open(client, None) as socket:
        socket.send_json(
            {"type": "connection_init", "payload": {"Authorization": "Bearer forged"}}
        )
        with pytest.raises(WebSocketDisconnect) as closed:
            receiver(socket)

    assert closed.value.code == 4403


def test_anonymous_subscription_is_unauthenticated(client, receiver):
    with _open(client, None) as socket:
        _init(socket, receiver, None)
        _subscribe(socket, NOTIFICATION_ADDED)
        message = receiver(socket)

    assert message["type"] == "next" and message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_notification_stream_stops_when_the_session_ends(
    user, receiver, stream_ready, domain_a
):
    with _open(user, None) as socket:
        _init(socket, receiver, user.token)
        _subscribe(socket, NOTIFICATION_ADDED)
        assert stream_ready.wait(10)
        user.execute("mutation { logout { ok } }")
        message = receiver(socket)

    assert message["type"] == "next" and message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
