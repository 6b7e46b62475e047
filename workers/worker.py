"""``mailplane worker``: a process that runs jobs from Redis or RabbitMQ.

Any number of workers, on any machines sharing the database and the
domains' folders, may consume the same broker. On SIGTERM or SIGINT a
worker interrupts its running jobs, whose messages go back to the queue
(each resumes from its checkpoint); one that dies instead has its messages
redelivered (Redis: once its heartbeat is older than
``MAILPLANE_BROKER_HEARTBEAT_MS``; RabbitMQ: when its connection drops).
"""

import logging
import signal
import threading
from typing import Any

from core.errors import ConfigurationError
from workers.broker import connect, describe_broker

logger = logging.getLogger(__name__)


def run_worker(runtime: Any, *, threads: int) -> None:
    """Run jobs until a stop signal arrives."""
    if not runtime.config.broker_url:
        raise ConfigurationError(
            "mailplane worker needs MAILPLANE_BROKER_URL (redis://… or amqp://…); "
            "without one, mailplane serve runs jobs itself."
        )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    jobs = connect(runtime)
    jobs.start_worker(threads)
    logger.info(
        "Worker running %d threads on %s.",
        threads,
        describe_broker(runtime.config.broker_url),
    )
    stop.wait()
    logger.info("Worker stopping; running jobs go back to the queue.")
    jobs.stop()
