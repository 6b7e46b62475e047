"""Job actors: plain functions of (runtime, job), declared on each broker.

An actor module registers its bodies with ``job_actor``; the broker module
imports the modules once it has chosen and set the global broker, then
declares one dramatiq actor per body on that broker. Declaring per broker,
rather than at import, lets one process hold several brokers in turn.
"""

from collections.abc import Callable
from typing import Any

from core.models import Job
from core.services.jobs import JobCancelled, finish_job, get_job

ACTOR_MODULES = ("workers.actors.exports", "workers.actors.messaging")
ACTOR_MODULES += ("workers.actors.restore", "workers.actors.propagation")

JobBody = Callable[[Any, Job], dict]

_bodies: dict[str, JobBody] = {}


def job_actor(name: str) -> Callable[[JobBody], JobBody]:
    """Register ``body(runtime, job) -> result`` as the actor for job kind ``name``.

    The body returns the job's result (JSON-ready); raising a core error
    fails the job with that error's code; ``JobCancelled`` just stops it.
    """

    def register(body: JobBody) -> JobBody:
        if _bodies.get(name, body) is not body:
            raise ValueError(f"Two job actors are named {name!r}; rename one.")
        _bodies[name] = body
        return body

    return register


def job_bodies() -> dict[str, JobBody]:
    return dict(_bodies)


def make_actor_fn(name: str, body: JobBody) -> Callable[[int], None]:
    """The function dramatiq calls with the job id; it records the result."""
    from workers.middleware import current_runtime

    def run(job_id: int) -> None:
        runtime = current_runtime()
        job = get_job(runtime.engine, job_id)
        if job is None:
            raise JobCancelled(job_id)
        finish_job(runtime.engine, job_id, body(runtime, job))

    run.__name__ = name
    run.__qualname__ = name
    run.__module__ = body.__module__
    return run
