"""A runtime connected to each broker in turn: stub, Redis and RabbitMQ.

Redis and RabbitMQ runs get a namespace of their own (Redis key prefix,
RabbitMQ queue name), so parallel test runs never share a queue; it is
removed afterwards. A missing service skips, or fails in CI.
"""

import uuid
from dataclasses import replace

import pytest

from tests.conftest import service_missing

REDIS_URL = "redis://127.0.0.1:6379/0"
RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
BROKERS = {"stub": "", "redis": REDIS_URL, "rabbitmq": RABBITMQ_URL}


def require_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing("Redis (127.0.0.1:6379)", str(exc))


def require_rabbitmq() -> None:
    import pika

    try:
        pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL)).close()
    except pika.exceptions.AMQPError as exc:
        service_missing("RabbitMQ (127.0.0.1:5672)", repr(exc))


def remove_namespace(name: str, namespace: str) -> None:
    if name == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"{namespace}*"):
            client.delete(key)
        client.close()
    elif name == "rabbitmq":
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
        channel = connection.channel()
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(f"{namespace}.jobs{suffix}")
        connection.close()


def broker_config(runtime, name: str):
    """Point ``runtime`` at broker ``name`` under a fresh namespace."""
    if name == "redis":
        require_redis()
    elif name == "rabbitmq":
        require_rabbitmq()
    namespace = f"mptest{uuid.uuid4().hex[:12]}"
    runtime.config = replace(
        runtime.config,
        broker_url=BROKERS[name],
        broker_namespace=namespace,
        broker_heartbeat_ms=1000,
    )
    return namespace


@pytest.fixture(params=list(BROKERS))
def jobs(request, runtime):
    """The runtime's broker with a worker of two threads running."""
    from workers.embedded import start_jobs

    namespace = broker_config(runtime, request.param)
    broker = start_jobs(runtime)
    if not broker.embedded:
        broker.start_worker(2)
    yield broker
    broker.stop()
    remove_namespace(request.param, namespace)
