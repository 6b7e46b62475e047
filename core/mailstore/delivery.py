"""Delivering one message into a folder: crash-safe, quota-checked, idempotent.

The steps, under the folder's index lock, and why in this order:

1. The bytes are written to tmp/ and fsync'd. Maildir readers ignore tmp/,
   so a crash here leaves an orphan that readers clean up, never a partial
   message.
2. The UID is recorded in the index (an atomic replace). Recording it before
   the message is visible means no reader, Dovecot included, ever sees one
   of our messages without its UID and gives it another.
3. The file is renamed into new/ and new/ is fsync'd: the message appears
   whole, at once.

A crash between 2 and 3 leaves an index entry whose file waits in tmp/. A
delivery with a message key finishes it when the key is delivered again; an
entry with no file is harmless, its UID is just never used again.
"""

import dataclasses
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.mailstore.errors import FolderNotFound, NotMail, QuotaExceeded
from core.mailstore.fsio import fsync_dir, write_new
from core.mailstore.layout import (
    ROOT,
    SUBDIRS,
    ensure_maildir,
    locate_folder,
    require_folder,
)
from core.mailstore.messages import sync_folder
from core.mailstore.names import digest_key, key_digest_of, new_basename, size_of
from core.mailstore.uidlist import UidList, lock_folder, read_uidlist, write_uidlist

logger = logging.getLogger(__name__)

Quota = Callable[[int], bool | None]
"""Called with a message's size in bytes; returns False, or raises
``QuotaExceeded``, to refuse the delivery. Anything else lets it through."""


@dataclass(frozen=True)
class DeliveredMessage:
    """A delivered message: its UID, its basename (no flags), its bytes.

    ``created`` is False when a message key found an earlier delivery and
    nothing new was stored, so a caller counting disk usage counts it once.
    """

    uid: int
    filename: str
    size: int
    created: bool = dataclasses.field(default=True, compare=False)


@dataclass(frozen=True)
class SpaceQuota:
    """A ``Quota`` from the bytes the user and the domain have free.

    None means no limit. A refusal raises ``QuotaExceeded`` whose ``field``
    says whose space ran out: ``user`` or ``domain``.
    """

    user_free: int | None = None
    domain_free: int | None = None

    def __call__(self, size: int) -> bool:
        for field, free in (("user", self.user_free), ("domain", self.domain_free)):
            if free is not None and size > free:
                raise QuotaExceeded(
                    f"A message of {size} bytes exceeds the {free} bytes "
                    f"free for the {field}.",
                    field=field,
                )
        return True


def deliver(
    user_dir: str | os.PathLike[str],
    folder_path: str,
    raw_bytes: bytes,
    *,
    quota: Quota | None = None,
    message_key: str | None = None,
) -> DeliveredMessage:
    """Store ``raw_bytes`` as a new message of a folder and return it.

    The Inbox is created when the user has no mail store yet; any other
    folder must exist. With ``message_key``, a second delivery of the same
    key to the same folder writes nothing and returns the first one.

    Raises ``FolderNotFound``, ``UnsafePath``, ``QuotaExceeded`` (before
    anything is written) and ``NotMail`` for empty bytes.
    """
    if not raw_bytes:
        raise NotMail("An empty message can't be delivered.", code="EMPTY")
    folder_dir, checked = _prepare_folder(user_dir, folder_path, quota, len(raw_bytes))

    with lock_folder(folder_dir):
        uidlist = read_uidlist(folder_dir) or sync_folder(folder_dir)[0]
        if message_key is not None:
            earlier = _find_delivered(folder_dir, uidlist, message_key)
            if earlier is not None:
                logger.debug("Message key already delivered as UID %d.", earlier.uid)
                return earlier
        if not checked:
            _check_quota(quota, len(raw_bytes))
        return _store(folder_dir, uidlist, raw_bytes, message_key)


def _prepare_folder(
    user_dir: str | os.PathLike[str], folder_path: str, quota: Quota | None, size: int
) -> tuple[Path, bool]:
    key, folder_dir = locate_folder(user_dir, folder_path)
    if key != ROOT or all((folder_dir / sub).is_dir() for sub in SUBDIRS):
        return require_folder(user_dir, folder_path)[1], False

    # A first delivery to a new user: nothing was delivered before, so the
    # quota is checked before the Inbox is even created. An Inbox that a
    # crash left without cur/, new/ or tmp/ is completed the same way.
    if not Path(user_dir).is_dir():
        raise FolderNotFound(
            f"User folder {user_dir} does not exist.", field="localPart"
        )
    _check_quota(quota, size)
    ensure_maildir(folder_dir, ROOT)
    return folder_dir, True


def _check_quota(quota: Quota | None, size: int) -> None:
    if quota is not None and quota(size) is False:
        raise QuotaExceeded(f"A message of {size} bytes exceeds the quota.")


def _store(
    folder_dir: Path, uidlist: UidList, raw: bytes, message_key: str | None
) -> DeliveredMessage:
    # Limitation: each delivery rewrites the whole index, so its cost grows
    # with the folder — append entries under the lock as Dovecot does, and
    # rewrite only to compact.
    basename = new_basename(len(raw), message_key)
    staged = folder_dir / "tmp" / basename
    try:
        write_new(staged, raw)
        uid = uidlist.assign(basename)
        write_uidlist(folder_dir, uidlist)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise

    _publish(folder_dir, basename)
    logger.debug("Delivered UID %d (%d bytes) to %s.", uid, len(raw), folder_dir)
    return DeliveredMessage(uid, basename, len(raw))


def _publish(folder_dir: Path, basename: str) -> None:
    os.rename(folder_dir / "tmp" / basename, folder_dir / "new" / basename)
    fsync_dir(folder_dir / "new")


def _find_delivered(
    folder_dir: Path, uidlist: UidList, message_key: str
) -> DeliveredMessage | None:
    digest = digest_key(message_key)
    for basename, uid in reversed(uidlist.uids.items()):
        if digest not in basename or key_digest_of(basename) != digest:
            continue
        if _locate_or_publish(folder_dir, basename):
            size = size_of(basename) or 0
            return DeliveredMessage(uid, basename, size, created=False)
    return None


def _locate_or_publish(folder_dir: Path, basename: str) -> bool:
    """Tell whether an indexed message exists, finishing a cut-short delivery.

    A message found nowhere was lost in a crash or expunged; either way it is
    delivered again, so the key gives at-least-once delivery, never none.
    """
    if (folder_dir / "new" / basename).is_file():
        return True
    if (folder_dir / "tmp" / basename).is_file():
        logger.warning("Finished a delivery cut short in %s.", folder_dir)
        _publish(folder_dir, basename)
        return True
    with os.scandir(folder_dir / "cur") as entries:
        return any(e.name.split(":", 1)[0] == basename for e in entries)
