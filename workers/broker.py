"""Choosing the dramatiq broker, and the runtime's door to it.

``MAILPLANE_BROKER_URL`` decides:

- unset: dramatiq's ``StubBroker``; the server runs the worker in-process
  (``workers.embedded``) and the database alone remembers unfinished jobs;
- ``redis://`` or ``rediss://``: ``RedisBroker``, its keys under
  ``MAILPLANE_BROKER_NAMESPACE``;
- ``amqp://`` or ``amqps://``: ``RabbitmqBroker``; the queue name carries
  the namespace, since RabbitMQ has no key prefix.

The broker is chosen and set as dramatiq's global broker before any actor
module is imported, so a plugin's ``@dramatiq.actor`` binds to it.
"""

import importlib
import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.redis import MAINTENANCE_COMMAND_BLACKLIST, RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.errors import QueueJoinTimeout
from dramatiq.middleware import Shutdown

from core.errors import ConfigurationError
from core.services.jobs import JOB_QUEUE, JobCancelled
from workers.actors import ACTOR_MODULES, job_bodies, make_actor_fn
from workers.middleware import JOB_OPTION, JobMiddleware

logger = logging.getLogger(__name__)

JOB_TIME_LIMIT_MS = 6 * 3600 * 1000
WORKER_TIMEOUT_MS = 100
# How long a stopping embedded worker waits for its running jobs.
EMBEDDED_GRACE_MS = 5000


class JobBroker:
    """The runtime's broker: enqueues job messages and may run a worker."""

    def __init__(self, runtime: Any, broker: dramatiq.Broker, queue: str) -> None:
        self.runtime = runtime
        self.broker = broker
        self.queue = queue
        self.worker: dramatiq.Worker | None = None
        self.lazy_threads: int | None = None
        self._lock = threading.Lock()

    @property
    def embedded(self) -> bool:
        return isinstance(self.broker, StubBroker)

    def enqueue(self, kind: str, job_id: int) -> None:
        """Send the message that runs job ``job_id`` with the actor ``kind``."""
        message = dramatiq.Message(
            queue_name=self.queue,
            actor_name=kind,
            args=(job_id,),
            kwargs={},
            options={},
        )
        self.broker.enqueue(message)
        logger.debug("Enqueued job %d on %s.", job_id, self.queue)
        if self.lazy_threads and self.worker is None:
            self._start_lazily()

    def _start_lazily(self) -> None:
        # A server that never runs a job never starts a worker; this keeps
        # starting and stopping the app cheap (tests do it often).
        with self._lock:
            if self.worker is None:
                self.start_worker(self.lazy_threads)

    def start_worker(self, threads: int) -> dramatiq.Worker:
        self.worker = dramatiq.Worker(
            self.broker, worker_threads=threads, worker_timeout=WORKER_TIMEOUT_MS
        )
        self.worker.start()
        if isinstance(self.broker, ClockedRedisBroker):
            self.broker.start_heartbeat(self.queue)
        return self.worker

    def stop(self, *, grace_ms: int = EMBEDDED_GRACE_MS) -> None:
        """Stop the worker; its running jobs are interrupted and resume later.

        The embedded worker first gives its jobs ``grace_ms`` milliseconds
        to finish: an interrupt lands mid-statement (an async exception),
        which can leave a SQLite connection holding the write lock for as
        long as the process lives, and the server's process may go on (an
        app restarted in place, tests).
        """
        if self.worker is not None:
            if self.embedded and grace_ms > 0:
                self._let_jobs_finish(grace_ms)
            self.worker.stop()
            self.worker = None
        self.broker.close()
        if self.runtime.extras.get(JOB_QUEUE) is self:
            del self.runtime.extras[JOB_QUEUE]

    def _let_jobs_finish(self, grace_ms: int) -> None:
        try:
            self.broker.join(self.queue, timeout=grace_ms, fail_fast=False)
        except QueueJoinTimeout:
            logger.info(
                "Jobs still running after %d ms are interrupted; they resume "
                "at the next start.",
                grace_ms,
            )


def connect(runtime: Any) -> JobBroker:
    """Choose the broker, declare every actor on it and attach it to the runtime."""
    config = runtime.config
    broker = create_broker(config)
    broker.add_middleware(JobMiddleware(runtime))
    dramatiq.set_broker(broker)

    queue = queue_name(config)
    broker.declare_queue(queue)
    declare_actors(broker, queue)
    runtime.plugins.register_actors(broker)

    jobs = JobBroker(runtime, broker, queue)
    runtime.extras[JOB_QUEUE] = jobs
    logger.info("Jobs go through %s.", describe_broker(config.broker_url))
    return jobs


def queue_name(config) -> str:
    """The queue every job actor consumes."""
    return f"{config.broker_namespace}.jobs"


def declare_actors(broker: dramatiq.Broker, queue: str) -> None:
    """Import the actor modules (the broker is set by now) and declare each.

    Names already declared on the broker are kept, so a plugin whose job
    bodies register later may call this again from ``register_actors``.
    """
    for module in ACTOR_MODULES:
        importlib.import_module(module)
    declared = broker.get_declared_actors()
    for name, body in job_bodies().items():
        if name in declared:
            continue
        dramatiq.Actor(
            make_actor_fn(name, body),
            broker=broker,
            actor_name=name,
            queue_name=queue,
            priority=0,
            options={
                JOB_OPTION: True,
                # A stopping worker interrupts its jobs; their messages go
                # back to the queue and they resume from their checkpoints.
                # A failed job is reported instead: the owner may start it
                # again, while retrying on its own would repeat a failure.
                "notify_shutdown": True,
                "retry_when": retry_on_shutdown,
                "min_backoff": 1000,
                "max_backoff": 5000,
                "throws": (JobCancelled,),
                "time_limit": JOB_TIME_LIMIT_MS,
            },
        )


def retry_on_shutdown(_retries: int, exception: BaseException) -> bool:
    return isinstance(exception, Shutdown)


def create_broker(config) -> dramatiq.Broker:
    url = config.broker_url
    scheme = urlsplit(url).scheme if url else ""
    if not url:
        return StubBroker()
    if scheme in {"redis", "rediss"}:
        return ClockedRedisBroker(
            url=url,
            namespace=config.broker_namespace,
            heartbeat_timeout=config.broker_heartbeat_ms,
        )
    if scheme in {"amqp", "amqps"}:
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        # Limitation: RabbitMQ closes the channel of a message left
        # unacknowledged beyond its consumer_timeout (30 minutes by default),
        # which redelivers a longer job while it still runs — raise the
        # server's consumer_timeout above the longest job.
        return RabbitmqBroker(url=url, confirm_delivery=True)
    raise ConfigurationError(
        f"MAILPLANE_BROKER_URL must start with redis:// or amqp://, not {scheme}://; "
        "leave it unset to run jobs inside the server."
    )


def describe_broker(url: str) -> str:
    """The broker URL without its password, for logs."""
    if not url:
        return "the in-process broker"
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class ClockedRedisBroker(RedisBroker):
    """A ``RedisBroker`` that runs queue maintenance by the clock, not by chance.

    Maintenance hands the messages of workers whose heartbeat is older than
    the heartbeat timeout back to their queue. dramatiq runs it on one
    command in a thousand, so an idle cluster may take many minutes to notice
    a dead worker; here each thread (a consumer thread serves one queue) runs
    it at most every quarter of the timeout, and on its first command.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._interval = self.heartbeat_timeout / 4000
        self._local = threading.local()
        self._beating = threading.Event()

    def start_heartbeat(self, queue: str) -> None:
        """Beat on a thread of its own while a worker runs here.

        dramatiq beats only when a consumer fetches, and a consumer stops
        fetching once it holds twice as many messages as there are worker
        threads: busy with long jobs, a live worker would look dead and its
        jobs would run twice. A killed process stops beating, as it should.
        """
        self._beating.clear()
        thread = threading.Thread(
            target=self._beat, args=(queue,), name="heartbeat", daemon=True
        )
        thread.start()

    def stop_heartbeat(self) -> None:
        self._beating.set()

    def _beat(self, queue: str) -> None:
        while not self._beating.wait(self._interval):
            try:
                self.do_qsize(queue)  # every command records a heartbeat
            except Exception:
                logger.warning("Could not send a heartbeat to Redis.", exc_info=True)

    def _should_do_maintenance(self, command: str) -> int:
        if command in MAINTENANCE_COMMAND_BLACKLIST:
            return 0
        now = time.monotonic()
        last = getattr(self._local, "last", None)
        if last is not None and now - last < self._interval:
            return 0
        self._local.last = now
        return 1

    def close(self) -> None:
        self.stop_heartbeat()
        self.client.close()
