"""The middleware that keeps job rows in step with the messages that run them."""

import logging
import threading
from typing import Any

from dramatiq import Middleware
from dramatiq.errors import ActorNotFound
from dramatiq.middleware import Shutdown, SkipMessage

from core.services.jobs import JobCancelled, fail_job, start_job

logger = logging.getLogger(__name__)

JOB_OPTION = "mailplane_job"
"""Actor option marking an actor whose first argument is a job id."""

_local = threading.local()


def current_runtime() -> Any:
    """The runtime of the broker whose worker thread is running this actor.

    Raises ``RuntimeError`` outside a message: call actors through a worker.
    """
    runtime = getattr(_local, "runtime", None)
    if runtime is None:
        raise RuntimeError(
            "No runtime is bound to this thread; actors run inside a worker "
            "started by workers.embedded or workers.worker."
        )
    return runtime


class JobMiddleware(Middleware):
    """Moves a job through its states around the message that carries it.

    Before a job's message runs, the job is marked RUNNING; a job that is
    final or gone has its message skipped, which makes a redelivered or
    duplicated message harmless. After a failure the job is marked FAILED
    with its error; ``JobCancelled`` is a requested stop and ``Shutdown`` a
    stopping worker (the job stays RUNNING and resumes), not failures.
    Success is recorded by the actor itself, together with its result.

    The middleware also binds its runtime to the worker thread, so that
    one process may run several brokers (tests, an app restarted in place).
    """

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime

    @property
    def actor_options(self) -> set[str]:
        return {JOB_OPTION}

    def before_process_message(self, broker, message) -> None:
        _local.runtime = self.runtime
        job_id = _job_id(broker, message)
        if job_id is None:
            return
        if start_job(self.runtime.engine, job_id) is None:
            logger.info("Skipped a message for job %d: it is final or gone.", job_id)
            raise SkipMessage(job_id)
        logger.info("Started job %d (%s).", job_id, message.actor_name)

    def after_process_message(
        self, broker, message, *, result=None, exception=None
    ) -> None:
        job_id = _job_id(broker, message)
        if job_id is None or exception is None:
            return
        if isinstance(exception, JobCancelled):
            logger.info("Job %d stopped: it was cancelled.", job_id)
            return
        if isinstance(exception, Shutdown):
            logger.info("Job %d was interrupted by a shutdown; it resumes.", job_id)
            return
        fail_job(self.runtime.engine, job_id, exception)


def _job_id(broker, message) -> int | None:
    try:
        actor = broker.get_actor(message.actor_name)
    except ActorNotFound:
        return None
    if not actor.options.get(JOB_OPTION) or not message.args:
        return None
    return int(message.args[0])
