"""Actors that write the CSV exports."""

from core.services import exports
from workers.actors import job_actor


@job_actor(exports.EXPORT_DOMAINS)
def export_domains(runtime, job) -> dict:
    return exports.export_domains(runtime, job)


@job_actor(exports.EXPORT_USERS)
def export_users(runtime, job) -> dict:
    return exports.export_users(runtime, job)
