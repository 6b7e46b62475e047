"""Actors that send mass email and notifications."""

from core.services import mass_mail, notifications
from workers.actors import job_actor


@job_actor(mass_mail.SEND_MASS_EMAIL)
def send_mass_email(runtime, job) -> dict:
    return mass_mail.run_mass_email(runtime, job)


@job_actor(notifications.SEND_NOTIFICATION)
def send_notification(runtime, job) -> dict:
    return notifications.run_notification(runtime, job)
