"""Actors that propagate the defaults templates when a propagation is large."""

from core.services import propagation_jobs
from workers.actors import job_actor


@job_actor(propagation_jobs.PROPAGATE_DOMAIN_DEFAULTS)
def propagate_domain_defaults(runtime, job) -> dict:
    return propagation_jobs.run_domain_propagation(runtime, job)


@job_actor(propagation_jobs.PROPAGATE_USER_DEFAULTS)
def propagate_user_defaults(runtime, job) -> dict:
    return propagation_jobs.run_user_propagation(runtime, job)
