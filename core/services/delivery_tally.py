"""What a delivery job did so far, and saving it batch by batch.

Mass email and mailing-list posts both deliver to many recipients a batch at
a time; each keeps a ``Tally`` as its job's result and saves it with the
batch's checkpoint, so that a redelivered message starts after the last
saved batch and a cancelled job stops at the next one.
"""

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from core.db import session_scope
from core.services.jobs import JobCancelled, update_progress

SKIPPED_SHOWN = 100


@dataclass
class Tally:
    """Messages delivered and skipped, with the first skipped recipients."""

    delivered: int = 0
    skipped: int = 0
    skipped_recipients: list[dict] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.delivered + self.skipped

    def count(self, address: str, code: str | None) -> None:
        """Count one recipient: delivered when ``code`` is None, else skipped."""
        if code is None:
            self.delivered += 1
            return
        self.skipped += 1
        if len(self.skipped_recipients) < SKIPPED_SHOWN:
            self.skipped_recipients.append({"address": address, "code": code})

    def as_result(self) -> dict:
        return {
            "delivered": self.delivered,
            "skipped": self.skipped,
            "skippedRecipients": list(self.skipped_recipients),
        }

    @classmethod
    def from_result(cls, result: dict | None) -> "Tally":
        result = result or {}
        return cls(
            result.get("delivered", 0),
            result.get("skipped", 0),
            list(result.get("skippedRecipients", [])),
        )


def save_batch(engine: Engine, job_id: int, checkpoint: int, tally: Tally) -> None:
    """Save how far the job got; raise ``JobCancelled`` if it was cancelled."""
    with session_scope(engine) as session:
        running = update_progress(
            session,
            job_id,
            done=tally.done,
            checkpoint=checkpoint,
            result=tally.as_result(),
        )
    if not running:
        raise JobCancelled(job_id)
