"""Actors that restore users and folders from disk and recount disk usage."""

from core.services import disk_usage, restore
from workers.actors import job_actor


@job_actor(restore.ATTACH_USER)
def attach_user(runtime, job) -> dict:
    return restore.run_attach_user(runtime, job)


@job_actor(restore.ATTACH_FOLDER)
def attach_folder(runtime, job) -> dict:
    return restore.run_attach_folder(runtime, job)


@job_actor(restore.REBUILD_FOLDER)
def rebuild_folder(runtime, job) -> dict:
    return restore.run_rebuild_folder(runtime, job)


@job_actor(disk_usage.RECALCULATE_DISK_USAGE)
def recalculate_disk_usage(runtime, job) -> dict:
    return disk_usage.run_recalculation(runtime, job)
