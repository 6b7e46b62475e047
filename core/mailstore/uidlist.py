"""A folder's UID index, in Dovecot's ``dovecot-uidlist`` version 3 format.

The file starts with a header, ``3 V<uidvalidity> N<next uid> G<guid>``, then
one line a message, ``<uid> :<basename>``, in increasing UID order (Dovecot
may put extension fields such as ``W<size>`` between the two; they are kept).
The basename is the message's file name without the ``:2,<flags>`` info, so
the entry survives a move from new/ to cur/ and flag changes.

Every change happens under ``lock_folder`` and replaces the whole file
atomically, so a crash leaves either the old index or the new one.
"""

import fcntl
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from core.mailstore.errors import CorruptIndex
from core.mailstore.fsio import FILE_MODE, write_atomic

logger = logging.getLogger(__name__)

UIDLIST = "dovecot-uidlist"
LOCK = "mailplane-uidlist.lock"
VERSION = "3"


@dataclass
class UidList:
    """The UIDs of one folder: validity, next UID, and basename -> UID."""

    uid_validity: int
    next_uid: int = 1
    guid: str = field(default_factory=lambda: uuid.uuid4().hex)
    uids: dict[str, int] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)

    @classmethod
    def fresh(cls) -> "UidList":
        """Return an empty index with a new UIDVALIDITY (the current time)."""
        return cls(uid_validity=int(time.time()))

    def assign(self, basename: str) -> int:
        """Return the UID of ``basename``, giving it the next one if it has none."""
        uid = self.uids.get(basename)
        if uid is None:
            uid = self.uids[basename] = self.next_uid
            self.next_uid += 1
        return uid

    def render(self) -> Iterator[bytes]:
        """Yield the file's lines, header first."""
        yield f"{VERSION} V{self.uid_validity} N{self.next_uid} G{self.guid}\n".encode()
        for basename, uid in self.uids.items():
            extra = self.extras.get(basename)
            line = f"{uid} {extra} :{basename}\n" if extra else f"{uid} :{basename}\n"
            yield line.encode()


def read_uidlist(folder_dir: Path) -> UidList | None:
    """Return the folder's index, or None when it has none.

    Raises ``CorruptIndex`` when the file exists but can't be parsed, so that
    no caller overwrites UIDs it could not read.
    """
    try:
        with open(folder_dir / UIDLIST, encoding="utf-8", newline="\n") as file:
            return _parse_file(folder_dir, file)
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise _corrupt(folder_dir, "it is not UTF-8") from exc


def write_uidlist(folder_dir: Path, uidlist: UidList) -> None:
    """Replace the folder's index with ``uidlist``; hold ``lock_folder``."""
    write_atomic(folder_dir / UIDLIST, uidlist.render())
    logger.debug("Wrote %d UIDs to %s.", len(uidlist.uids), folder_dir)


@contextmanager
def lock_folder(folder_dir: Path) -> Iterator[None]:
    """Hold the folder's exclusive index lock (threads and processes alike).

    ``flock`` locks belong to an open file, so two threads of one process
    exclude each other too. The lock file is never removed: removing it
    would let a waiter lock an unlinked file while a newcomer locks a new one.
    """
    # Limitation: Dovecot guards the index with its own dotlock, which this
    # lock does not take — stop Dovecot's access to a folder while a restore
    # runs, or take dovecot-uidlist.lock here as well.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(folder_dir / LOCK, flags, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _parse_file(folder_dir: Path, file: TextIO) -> UidList:
    uidlist = _parse_header(folder_dir, file.readline())
    for line in file:
        # A last line without its newline was cut by a crash in a writer
        # that appends (Dovecot): it is not a whole entry.
        if line.endswith("\n"):
            _parse_entry(folder_dir, uidlist, line[:-1])
    return uidlist


def _parse_header(folder_dir: Path, line: str) -> UidList:
    version, *fields = line.split() or [""]
    values = {item[0]: item[1:] for item in fields if item}
    if version != VERSION or "V" not in values or "N" not in values:
        raise _corrupt(folder_dir, "its header is not version 3")
    try:
        return UidList(int(values["V"]), int(values["N"]), values.get("G", ""))
    except ValueError as exc:
        raise _corrupt(folder_dir, "its header holds a bad number") from exc


def _parse_entry(folder_dir: Path, uidlist: UidList, line: str) -> None:
    head, colon, basename = line.partition(":")
    uid_text, _, extra = head.strip().partition(" ")
    if not colon or not basename or not uid_text.isdigit():
        raise _corrupt(folder_dir, f"line {line[:40]!r} is not an entry")

    uid = int(uid_text)
    uidlist.uids[basename] = uid
    uidlist.next_uid = max(uidlist.next_uid, uid + 1)
    if extra.strip():
        uidlist.extras[basename] = extra.strip()


def _corrupt(folder_dir: Path, why: str) -> CorruptIndex:
    return CorruptIndex(
        f"The UID index of {folder_dir} can't be read: {why}. Move it aside to "
        "have a new one built, which gives every message a new UID."
    )
