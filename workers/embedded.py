"""Jobs in the server's own process, or only their enqueueing.

With no broker configured, the server runs a worker on dramatiq's stub
broker. Its queue lives in memory, so on every start the jobs the database
still holds as queued or running are enqueued again; actors are idempotent,
so a job cut short by a stop carries on (or repeats harmlessly). Only one
server process may run in this mode.
"""

import logging
from typing import Any

from core.services.jobs import unfinished_jobs
from workers.broker import JobBroker, connect

logger = logging.getLogger(__name__)

EMBEDDED_THREADS = 2


def start_jobs(runtime: Any) -> JobBroker:
    """Connect the broker; embedded, also resume the jobs left unfinished.

    The embedded worker starts with the first job enqueued, so a server
    with no job to run holds no worker threads.
    """
    jobs = connect(runtime)
    if not jobs.embedded:
        return jobs

    jobs.lazy_threads = EMBEDDED_THREADS
    pending = unfinished_jobs(runtime.engine)
    for job_id, kind in pending:
        jobs.enqueue(kind, job_id)
    if pending:
        logger.info("Resumed %d unfinished jobs.", len(pending))
    return jobs
