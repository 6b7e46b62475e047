"""Choosing the broker from the configuration, and Redis maintenance by the clock."""

import time
import uuid
from dataclasses import replace

import pytest
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.stub import StubBroker

from core.config import Config, load_config
from core.errors import ConfigurationError
from tests.workers.conftest import REDIS_URL, remove_namespace, require_redis
from workers.broker import (
    ClockedRedisBroker,
    create_broker,
    declare_actors,
    describe_broker,
)
from workers.worker import run_worker


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("", StubBroker),
        ("redis://127.0.0.1:6379/0", ClockedRedisBroker),
        ("amqp://guest:guest@127.0.0.1:5672/%2F", RabbitmqBroker),
    ],
    ids=["none", "redis", "amqp"],
)
def test_create_broker_follows_the_url_scheme(url, kind):
    broker = create_broker(Config(broker_url=url))

    assert type(broker) is kind
    broker.close()


def test_create_broker_refuses_an_unknown_scheme():
    with pytest.raises(ConfigurationError, match="redis://"):
        create_broker(Config(broker_url="kafka://127.0.0.1"))


def test_describe_broker_leaves_the_password_out():
    text = describe_broker("redis://:s3cret@cache.example.com:6380/2")

    assert text == "redis://cache.example.com:6380/2"


def test_broker_namespace_must_be_a_plain_name():
    with pytest.raises(ConfigurationError):
        load_config({"MAILPLANE_BROKER_NAMESPACE": "../x"})


def test_redis_maintenance_runs_by_the_clock(monkeypatch):
    broker = ClockedRedisBroker(heartbeat_timeout=1000)
    clock = iter([100.0, 100.1, 100.3])
    monkeypatch.setattr("workers.broker.time.monotonic", lambda: next(clock))

    runs = [broker._should_do_maintenance("fetch") for _ in range(3)]

    assert runs == [1, 0, 1]
    assert broker._should_do_maintenance("ack") == 0


def test_worker_command_needs_a_broker_url(runtime):
    runtime.config = replace(runtime.config, broker_url="")

    with pytest.raises(ConfigurationError, match="MAILPLANE_BROKER_URL"):
        run_worker(runtime, threads=1)


def test_declare_actors_again_keeps_the_declared_ones():
    broker = StubBroker()
    declare_actors(broker, "mailplane.jobs")
    first = broker.get_actor("export_users")

    declare_actors(broker, "mailplane.jobs")

    assert broker.get_actor("export_users") is first
    assert {"send_mass_email", "send_notification"} <= broker.get_declared_actors()


def test_busy_redis_worker_keeps_beating():
    require_redis()
    namespace = f"mptest{uuid.uuid4().hex[:12]}"
    broker = ClockedRedisBroker(
        url=REDIS_URL, namespace=namespace, heartbeat_timeout=400
    )
    heartbeats = f"{namespace}:__heartbeats__"

    broker.start_heartbeat(f"{namespace}.jobs")
    first = _beat_of(broker, heartbeats)
    time.sleep(0.5)
    later = _beat_of(broker, heartbeats)

    broker.close()
    remove_namespace("redis", namespace)
    assert first is not None and later > first


def _beat_of(broker, key: str) -> float | None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        score = broker.client.zscore(key, broker.broker_id)
        if score is not None:
            return score
        time.sleep(0.02)
    return None
