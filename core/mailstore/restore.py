"""Restore from disk: attach users and folders found there, take in .eml files.

The caller records users and folders in the database; these functions do the
disk side. ``.eml`` files copied into a folder's directory, or into its cur/
or new/, are checked to be mail, then renamed to a Maildir name in cur/
(unread, no flags: restored mail is not recent mail) with a fresh UID.
Messages already in the folder keep their UIDs, files that are not mail stay
where they are, untouched, and are listed in the report with the reason.

Crash safety: a file is only ever renamed, never copied or deleted, and each
batch records its UIDs in the index before renaming its files. A crash
after the index write leaves index entries without files (harmless: those
UIDs are never given again) and the ``.eml`` files in place, taken in by the
next run. So a crash loses no file, a second run changes nothing, and since
every batch re-reads the index under the folder's lock, two restores into one
folder never give one UID twice.
"""

import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from core.mailstore.errors import FolderNotFound, NotMail, UnsafePath
from core.mailstore.folderpath import FolderKey, format_folder_path, is_subfolder
from core.mailstore.fsio import fsync_dir
from core.mailstore.layout import (
    MAILDIR,
    SUBDIRS,
    ensure_maildir,
    folder_dir_of,
    iter_folders,
    locate_user_dir,
    maildir_root,
    require_folder,
)
from core.mailstore.mailcheck import validate_mail
from core.mailstore.messages import count_messages, is_restore_file, sync_folder
from core.mailstore.names import NEW_INFO, new_basename
from core.mailstore.report import (
    FolderReport,
    Progress,
    ProgressCounter,
    RebuildReport,
    SkippedFile,
)
from core.mailstore.uidlist import lock_folder, read_uidlist, write_uidlist

logger = logging.getLogger(__name__)

BATCH = 500
RESTORE_DIRS = (".", "new", "cur")


def find_unattached_users(
    domain_dir: str | os.PathLike[str], known_local_parts: Iterable[str]
) -> list[str]:
    """Return the local parts of user folders on disk that are not known.

    A user folder is a directory holding ``Maildir/``; names are compared
    without letter case. Symbolic links are skipped.
    """
    known = {part.casefold() for part in known_local_parts}
    found = []
    with os.scandir(domain_dir) as entries:
        for entry in entries:
            if entry.name.casefold() in known or not entry.is_dir(
                follow_symlinks=False
            ):
                continue
            try:
                user_dir = locate_user_dir(domain_dir, entry.name)
            except UnsafePath:
                continue
            if (user_dir / MAILDIR).is_dir() and not (user_dir / MAILDIR).is_symlink():
                found.append(entry.name)
    return sorted(found)


def attach_user(
    user_dir: str | os.PathLike[str], *, progress: Progress | None = None
) -> RebuildReport:
    """Attach every folder of a user folder found on disk (Attach User)."""
    if not maildir_root(user_dir).is_dir():
        raise FolderNotFound(f"{user_dir} holds no {MAILDIR}.", field="localPart")
    root = maildir_root(user_dir)
    targets = [(key, folder_dir_of(root, key)) for key, _ in iter_folders(user_dir)]
    return _attach(targets, progress)


def attach_folder(
    user_dir: str | os.PathLike[str],
    folder_path: str,
    recursive: bool = False,
    *,
    progress: Progress | None = None,
) -> RebuildReport:
    """Give a folder found on disk what it lacks: cur/new/tmp, an index, UIDs.

    The directory may be a Maildir without index or just hold ``.eml``
    files; with ``recursive`` its subfolders are attached too. Raises
    ``FolderNotFound`` when the directory does not exist, ``UnsafePath``.
    """
    key, folder_dir = require_folder(user_dir, folder_path, maildir=False)
    targets = [(key, folder_dir)]
    if recursive:
        targets += _subfolders(user_dir, key)
    return _attach(targets, progress)


def rebuild_folder(
    user_dir: str | os.PathLike[str],
    folder_path: str,
    recursive: bool = False,
    *,
    progress: Progress | None = None,
) -> RebuildReport:
    """Take the ``.eml`` files copied into an existing folder into it.

    With ``recursive``, its subfolders too (those that are Maildirs). Raises
    ``FolderNotFound`` when the folder is not a Maildir, ``UnsafePath``.
    """
    key, folder_dir = require_folder(user_dir, folder_path)
    targets = [(key, folder_dir)]
    if recursive:
        targets += [
            (sub, path)
            for sub, path in _subfolders(user_dir, key)
            if all((path / name).is_dir() for name in SUBDIRS)
        ]
    return _restore(targets, progress)


def _subfolders(
    user_dir: str | os.PathLike[str], key: FolderKey
) -> list[tuple[FolderKey, Path]]:
    # folder_dir_of refuses symbolic links inside each folder before any change.
    root = maildir_root(user_dir)
    return [
        (sub, folder_dir_of(root, sub))
        for sub, _ in iter_folders(user_dir)
        if is_subfolder(sub, key)
    ]


def _attach(
    targets: list[tuple[FolderKey, Path]], progress: Progress | None
) -> RebuildReport:
    for key, folder_dir in targets:
        ensure_maildir(folder_dir, key)
    return _restore(targets, progress)


def _restore(
    targets: list[tuple[FolderKey, Path]], progress: Progress | None
) -> RebuildReport:
    plans = [(key, path, _find_restore_files(path)) for key, path in targets]
    counter = ProgressCounter(progress, sum(len(files) for _, _, files in plans))
    report = RebuildReport([_restore_folder(*plan, counter) for plan in plans])
    logger.info(
        "Restored %d messages into %d folders; skipped %d files.",
        report.imported,
        len(report.folders),
        len(report.skipped),
    )
    return report


def _restore_folder(
    key: FolderKey, folder_dir: Path, files: list[str], counter: ProgressCounter
) -> FolderReport:
    report = FolderReport(format_folder_path(key))
    with lock_folder(folder_dir):
        uidlist, _, report.indexed = sync_folder(folder_dir)
    report.uid_validity = uidlist.uid_validity

    # Batches bound both the memory held and the work a crash makes redo.
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        accepted = _check_batch(folder_dir, batch, report, counter)
        report.imported += _take_in(folder_dir, accepted)

    report.messages = count_messages(folder_dir)
    return report


def _check_batch(
    folder_dir: Path, paths: list[str], report: FolderReport, counter: ProgressCounter
) -> list[tuple[str, int]]:
    accepted = []
    for path in paths:
        checked = _check_file(folder_dir, path)
        if isinstance(checked, SkippedFile):
            report.skipped.append(checked)
        elif checked is not None:  # None: a concurrent restore took it in
            accepted.append((path, checked))
        counter.step()
    return accepted


def _find_restore_files(folder_dir: Path) -> list[str]:
    found = []
    for sub in RESTORE_DIRS:
        with os.scandir(folder_dir / sub) as entries:
            found += sorted(
                entry.path
                for entry in entries
                if is_restore_file(entry.name)
                and not entry.name.startswith(".")
                and not entry.is_dir(follow_symlinks=False)
            )
    return found


def _check_file(folder_dir: Path, path: str) -> int | SkippedFile | None:
    """Return the size of a file that is mail, why it is skipped, or None if gone."""
    shown = os.path.relpath(path, folder_dir)
    try:
        raw = _read_regular(path)
        validate_mail(raw)
    except NotMail as exc:
        logger.warning("Skipped %s: %s", path, exc.message)
        return SkippedFile(shown, exc.code, exc.message)
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("Skipped %s: %s.", path, exc.strerror)
        return SkippedFile(shown, "UNREADABLE", exc.strerror or str(exc))
    return len(raw)


def _read_regular(path: str) -> bytes:
    # O_NOFOLLOW refuses a link that could lead out of the store; O_NONBLOCK
    # keeps a FIFO from hanging the open until the file type is checked.
    if os.path.islink(path):
        raise NotMail("The file is a symbolic link.", code="SYMLINK")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with open(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotMail("The file is not a regular file.", code="NOT_A_FILE")
        return file.read()


def _take_in(folder_dir: Path, accepted: list[tuple[str, int]]) -> int:
    with lock_folder(folder_dir):
        uidlist = read_uidlist(folder_dir) or sync_folder(folder_dir)[0]
        # A file gone since it was checked was taken in by a concurrent restore.
        moves = [
            (path, new_basename(size))
            for path, size in accepted
            if os.path.lexists(path)
        ]
        if not moves:
            return 0
        for _, name in moves:
            uidlist.assign(name)

        # UIDs first, then the renames: see the module docstring.
        write_uidlist(folder_dir, uidlist)
        for path, name in moves:
            os.rename(path, folder_dir / "cur" / (name + NEW_INFO))
        for directory in {folder_dir / "cur"} | {
            Path(os.path.dirname(path)) for path, _ in moves
        }:
            fsync_dir(directory)
    return len(moves)
