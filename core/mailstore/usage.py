"""Disk usage of mail, summed from file names where they record a size.

Only directory listings are read: a Maildir name records its size with
``,S=``, so most messages cost no system call beyond ``scandir``; the rest
cost one ``lstat``. tmp/ is not counted (messages there are not delivered
yet), nor are symbolic links, which the store never follows.
"""

import logging
import os
from pathlib import Path

from core.mailstore.layout import MAILDIR
from core.mailstore.messages import MESSAGE_DIRS
from core.mailstore.names import size_of

logger = logging.getLogger(__name__)


def folder_usage(user_dir: str | os.PathLike[str]) -> int:
    """Return the bytes of all messages of a user, in every folder."""
    root = Path(user_dir) / MAILDIR
    if root.is_symlink() or not root.is_dir():
        return 0

    total = _messages_bytes(root)
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                total += _messages_bytes(Path(entry.path))
    return total


def scan_domain_usage(domain_dir: str | os.PathLike[str]) -> dict[str, int]:
    """Return local part -> bytes of mail for every user folder of a domain."""
    usage: dict[str, int] = {}
    with os.scandir(domain_dir) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_symlink():
                logger.warning(
                    "Skipped symbolic link %s in the mail store.", entry.path
                )
            elif entry.is_dir(follow_symlinks=False):
                usage[entry.name] = folder_usage(entry.path)
    logger.debug("Scanned the disk usage of %d users in %s.", len(usage), domain_dir)
    return usage


def _messages_bytes(folder_dir: Path) -> int:
    total = 0
    for sub in MESSAGE_DIRS:
        path = folder_dir / sub
        if path.is_symlink() or not path.is_dir():
            continue
        with os.scandir(path) as entries:
            total += sum(_entry_bytes(entry) for entry in entries)
    return total


def _entry_bytes(entry: os.DirEntry[str]) -> int:
    if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
        return 0
    size = size_of(entry.name)
    if size is not None:
        return size
    try:
        return entry.stat(follow_symlinks=False).st_size
    except FileNotFoundError:
        return 0  # moved from new/ to cur/ meanwhile; cur/ is scanned after new/
