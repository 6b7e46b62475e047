"""Delivering a mass email's messages: into the mail store, or through SMTP.

Both deliveries take a batch of recipients, count each one in the tally
and record the batch (its last recipient as the checkpoint) before the
next batch starts. Into the mail store, each message goes through
``core.services.mail_delivery``, which checks the quotas, counts the disk
usage (once, however often a keyed message is redelivered) and warns the
domain administrator of a full mailbox.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from core.errors import MailplaneError
from core.models import Job
from core.services.delivery_tally import Tally, save_batch
from core.services.jobs import save_progress
from core.services.mail_compose import MessageTemplate
from core.services.mail_delivery import deliver_to_user
from core.services.recipients import Recipient
from core.services.smtp_relay import SmtpRelay, parse_smtp_url

logger = logging.getLogger(__name__)

DELIVERY_THREADS = 8


class StoreDelivery:
    """Delivers into the mail store, several Inboxes at a time.

    Each user's folder has its own lock and the cost of a delivery is
    mostly waiting for the disk, so a few threads keep the disk busy.
    """

    def __init__(self, runtime, job: Job, template: MessageTemplate) -> None:
        self.runtime = runtime
        self.job = job
        self.template = template
        self.pool = ThreadPoolExecutor(DELIVERY_THREADS, thread_name_prefix="deliver")

    def __enter__(self) -> "StoreDelivery":
        return self

    def __exit__(self, *_exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run_batch(self, batch: list[Recipient], tally: Tally) -> None:
        codes = list(self.pool.map(self._deliver, batch))
        for recipient, code in zip(batch, codes, strict=True):
            tally.count(recipient.address, code)
        save_batch(self.runtime.engine, self.job.id, batch[-1].user_id, tally)

    def _deliver(self, recipient: Recipient) -> str | None:
        raw = self.template.render(
            recipient.user_id, recipient.address, recipient.display_name
        )
        key = f"job-{self.job.id}-user-{recipient.user_id}"
        try:
            deliver_to_user(self.runtime, recipient.user_id, raw, message_key=key)
        except MailplaneError as exc:
            logger.warning("Skipped %s: %s.", recipient.address, exc.code)
            return exc.code
        return None


class SmtpDelivery:
    """Hands each message to the SMTP server, recording every recipient."""

    def __init__(self, runtime, job: Job, template: MessageTemplate, url: str) -> None:
        self.runtime = runtime
        self.job = job
        self.template = template
        self.relay = SmtpRelay(parse_smtp_url(url))

    def __enter__(self) -> "SmtpDelivery":
        return self

    def __exit__(self, *_exc) -> None:
        self.relay.close()

    def run_batch(self, batch: list[Recipient], tally: Tally) -> None:
        for recipient in batch:
            raw = self.template.render(
                recipient.user_id, recipient.address, recipient.display_name
            )
            sender = self.template.sender_for(recipient.domain_name)
            code = self.relay.send(sender, recipient.address, raw)
            tally.count(recipient.address, code)
            # Limitation: a crash between the server's acceptance and this
            # save sends that one message again on redelivery — the fixed
            # Message-ID lets the receiving side drop the duplicate.
            save_progress(
                self.runtime.engine,
                self.job.id,
                done=tally.done,
                checkpoint=recipient.user_id,
                result=tally.as_result(),
            )
