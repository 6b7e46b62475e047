"""The messages of a folder: scanning its files and keeping its index in step.

A message is a regular file in new/ or cur/ whose name does not start with a
dot and does not end in ``.eml``: ``.eml`` files are restore input, taken in
by ``core.mailstore.restore`` under a proper Maildir name.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from core.mailstore.layout import require_folder
from core.mailstore.names import basename_of, size_of
from core.mailstore.uidlist import UidList, lock_folder, read_uidlist, write_uidlist

logger = logging.getLogger(__name__)

MESSAGE_DIRS = ("new", "cur")
RESTORE_SUFFIX = ".eml"


@dataclass(frozen=True)
class StoredMessage:
    """A message on disk: its UID, basename (name without flags), path, bytes."""

    uid: int
    filename: str
    path: Path
    size: int


def is_restore_file(name: str) -> bool:
    """Tell whether a file name marks restore input rather than a message."""
    return name.lower().endswith(RESTORE_SUFFIX)


def scan_messages(folder_dir: Path) -> dict[str, Path]:
    """Return basename -> path of every message file of a folder.

    Symbolic links are skipped with a warning: the store never follows one.
    """
    found: dict[str, Path] = {}
    for sub in MESSAGE_DIRS:
        with os.scandir(folder_dir / sub) as entries:
            for entry in entries:
                if _is_message(entry):
                    found[basename_of(entry.name)] = Path(entry.path)
    return found


def count_messages(folder_dir: Path) -> int:
    """Return how many message files a folder holds, building no paths."""
    count = 0
    for sub in MESSAGE_DIRS:
        with os.scandir(folder_dir / sub) as entries:
            count += sum(1 for entry in entries if _is_message(entry))
    return count


def sync_folder(folder_dir: Path) -> tuple[UidList, dict[str, Path], int]:
    """Give every unindexed message a UID; return index, files, count given.

    The caller holds ``lock_folder``. Indexed messages keep their UIDs; new
    ones get UIDs in name order, which is arrival order for Maildir names. An
    index entry whose file is gone is kept: its UID is never given again.
    """
    uidlist = read_uidlist(folder_dir)
    created = uidlist is None
    uidlist = uidlist or UidList.fresh()
    files = scan_messages(folder_dir)

    unindexed = sorted(name for name in files if name not in uidlist.uids)
    for name in unindexed:
        uidlist.assign(name)
    if unindexed or created:
        write_uidlist(folder_dir, uidlist)
        logger.info("Indexed %d messages in %s.", len(unindexed), folder_dir)
    return uidlist, files, len(unindexed)


def list_messages(
    user_dir: str | os.PathLike[str], folder_path: str
) -> list[StoredMessage]:
    """Return a folder's messages in UID order, indexing any that lack a UID.

    Raises ``FolderNotFound`` and ``UnsafePath`` like ``require_folder``.
    """
    _, folder_dir = require_folder(user_dir, folder_path)
    with lock_folder(folder_dir):
        uidlist, files, _ = sync_folder(folder_dir)

    return [
        StoredMessage(uid, name, files[name], _size(name, files[name]))
        for name, uid in uidlist.uids.items()
        if name in files
    ]


def _size(name: str, path: Path) -> int:
    size = size_of(name)
    return size if size is not None else path.stat().st_size


def _is_message(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith(".") or is_restore_file(entry.name):
        return False
    if entry.is_symlink():
        logger.warning("Skipped symbolic link %s in the mail store.", entry.path)
        return False
    return entry.is_file(follow_symlinks=False)
