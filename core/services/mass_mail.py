"""Mass email: one message to each recipient, into its Inbox or through SMTP.

The job walks the recipients in id order, a batch at a time, and after
each batch records how far it got (``checkpoint``) with the tally so far.
A redelivered message starts after the checkpoint. Into the mail store,
each delivery carries the key ``job-<id>-user-<id>``, so the part of a
batch that ran before a crash is not delivered twice; through SMTP, every
recipient is recorded as soon as the server accepted its message.
"""

import logging
import secrets

from sqlmodel import Session

from core.models import Job
from core.models.base import utcnow
from core.principal import Principal
from core.services.delivery_tally import Tally
from core.services.jobs import create_job, save_progress
from core.services.mail_compose import MassMail, MessageTemplate, clean_mass_mail
from core.services.mass_mail_delivery import SmtpDelivery, StoreDelivery
from core.services.postmaster import PostmasterBook
from core.services.recipients import (
    Audience,
    RecipientGroup,
    clean_audience,
    count_recipients,
    recipient_batches,
)

logger = logging.getLogger(__name__)

SEND_MASS_EMAIL = "send_mass_email"


def request_mass_email(
    session: Session,
    runtime,
    principal: Principal,
    *,
    group: RecipientGroup,
    domain: str | None,
    user: str | None,
    sender: str | None,
    friendly_name: str | None,
    subject: str,
    body: str,
    html: bool,
) -> Job:
    """Check the message and the audience, then queue the job that sends it."""
    mail = clean_mass_mail(sender, friendly_name, subject, body, html)
    audience = clean_audience(session, principal, group, domain, user)
    params = {
        "audience": audience.as_params(),
        "mail": mail.as_params(),
        "token": secrets.token_hex(8),
    }
    return create_job(session, runtime, principal, SEND_MASS_EMAIL, params)


def run_mass_email(runtime, job: Job) -> dict:
    """Deliver the job's message to every recipient after its checkpoint."""
    audience = Audience.from_params(job.params["audience"])
    template = MessageTemplate(
        MassMail.from_params(job.params["mail"]),
        date=utcnow(),
        token=job.params["token"],
        postmaster=PostmasterBook(runtime),
    )
    tally = Tally.from_result(job.result)
    total = count_recipients(runtime.engine, audience)
    save_progress(runtime.engine, job.id, done=tally.done, total=max(total, tally.done))

    smtp_url = runtime.config.smtp_url
    delivery = (
        SmtpDelivery(runtime, job, template, smtp_url)
        if smtp_url
        else StoreDelivery(runtime, job, template)
    )
    with delivery:
        for batch in recipient_batches(runtime.engine, audience, job.checkpoint):
            delivery.run_batch(batch, tally)
    logger.info(
        "Mass email of job %d: %d delivered, %d skipped.",
        job.id,
        tally.delivered,
        tally.skipped,
    )
    return tally.as_result()
