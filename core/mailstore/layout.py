"""Where a user's folders live on disk, and the checks that keep paths inside.

A domain folder holds one folder a user, named by the local part; a user
folder holds ``Maildir/``, laid out as ``core.mailstore.folderpath`` says.
Every path built from a request is checked twice: by its text (no ``..``, no
absolute path, no NUL) and by ``os.path.realpath`` after the symlinks on the
way are refused, so a symlink planted in the store can't lead outside it.
"""

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from core.mailstore.errors import FolderExists, FolderNotFound, UnsafePath
from core.mailstore.folderpath import (
    FIELD,
    INBOX,
    FolderKey,
    clean_folder_path,
    folder_dirname,
    format_folder_path,
    parse_dirname,
)
from core.mailstore.fsio import DIR_MODE, fsync_dir
from core.mailstore.uidlist import UidList, lock_folder, write_uidlist

logger = logging.getLogger(__name__)

MAILDIR = "Maildir"
SUBDIRS = ("cur", "new", "tmp")
FOLDER_MARKER = "maildirfolder"
ROOT: FolderKey = (INBOX,)


def locate_user_dir(domain_dir: str | os.PathLike[str], local_part: str) -> Path:
    """Return the user folder of ``local_part`` in ``domain_dir``.

    Raises ``UnsafePath`` when the local part holds a separator, NUL or a
    leading dot, or when the user folder resolves outside the domain folder.
    """
    if not local_part or local_part[0] == "." or any(c in local_part for c in "/\\\0"):
        raise UnsafePath(f"{local_part!r} can't name a user folder.", field="localPart")

    user_dir = Path(os.path.realpath(domain_dir)) / local_part
    if not _is_plain_child(user_dir, user_dir.parent):
        raise UnsafePath(
            f"The folder of user {local_part!r} lies outside its domain folder.",
            field="localPart",
        )
    return user_dir


def maildir_root(user_dir: str | os.PathLike[str]) -> Path:
    """Return the user's ``Maildir`` (the Inbox); raise ``UnsafePath`` if a link."""
    root = Path(user_dir) / MAILDIR
    if not _is_plain_child(root, Path(user_dir)):
        raise UnsafePath(f"{root} is a symbolic link.", field=FIELD)
    return root


def locate_folder(
    user_dir: str | os.PathLike[str], folder_path: str
) -> tuple[FolderKey, Path]:
    """Return a folder's key and directory, which may not exist yet."""
    key = clean_folder_path(folder_path)
    root = maildir_root(user_dir)
    return key, folder_dir_of(root, key)


def folder_dir_of(root: Path, key: FolderKey) -> Path:
    """Return the directory of ``key`` under ``root`` after the safety checks."""
    path = root if key == ROOT else root / folder_dirname(key)
    if path != root and not _is_plain_child(path, root):
        raise UnsafePath(f"{path} leads outside the user's folder.", field=FIELD)
    if any((path / sub).is_symlink() for sub in SUBDIRS):
        raise UnsafePath(f"{path} holds a symbolic link.", field=FIELD)
    return path


def require_folder(
    user_dir: str | os.PathLike[str], folder_path: str, *, maildir: bool = True
) -> tuple[FolderKey, Path]:
    """Like ``locate_folder``, but raise ``FolderNotFound`` when it is absent.

    With ``maildir`` the directory must hold cur/, new/ and tmp/; without, any
    directory will do (a folder being attached).
    """
    key, path = locate_folder(user_dir, folder_path)
    if not path.is_dir() or (maildir and not all((path / s).is_dir() for s in SUBDIRS)):
        raise FolderNotFound(
            f"Folder {format_folder_path(key)!r} does not exist on disk.", field=FIELD
        )
    return key, path


def create_folder(user_dir: str | os.PathLike[str], folder_path: str) -> Path:
    """Create a folder with an empty UID index; the Inbox creates the root.

    Raises ``FolderExists`` when its directory exists. Parents are not
    created: Maildir++ keeps every folder flat under the root.
    """
    key, path = locate_folder(user_dir, folder_path)
    if key == ROOT:
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    else:
        ensure_maildir(path.parent, ROOT)
    try:
        path.mkdir(mode=DIR_MODE)
    except FileExistsError as exc:
        raise FolderExists(
            f"Folder {format_folder_path(key)!r} already exists.", field=FIELD
        ) from exc

    ensure_maildir(path, key)
    with lock_folder(path):
        write_uidlist(path, UidList.fresh())
    logger.info("Created folder %s in %s.", format_folder_path(key), user_dir)
    return path


def ensure_maildir(path: Path, key: FolderKey) -> None:
    """Give ``path`` whatever it lacks of cur/, new/, tmp/ and its marker."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for sub in SUBDIRS:
        (path / sub).mkdir(mode=DIR_MODE, exist_ok=True)
    if key != ROOT:
        # Dovecot and Courier mark a Maildir++ subfolder with this empty file.
        (path / FOLDER_MARKER).touch(mode=0o600, exist_ok=True)
    fsync_dir(path)


def iter_folders(user_dir: str | os.PathLike[str]) -> Iterator[tuple[FolderKey, Path]]:
    """Yield every folder on disk, the Inbox first, then by key.

    Symbolic links and directories that hold no canonical folder name are
    skipped, so a scan never follows a link out of the store.
    """
    root = maildir_root(user_dir)
    if not root.is_dir():
        return
    yield ROOT, root

    found: list[tuple[FolderKey, Path]] = []
    with os.scandir(root) as entries:
        for entry in entries:
            key = parse_dirname(entry.name)
            if key is None:
                continue
            if entry.is_symlink():
                logger.warning(
                    "Skipped symbolic link %s in the mail store.", entry.path
                )
            elif entry.is_dir(follow_symlinks=False):
                found.append((key, Path(entry.path)))
    yield from sorted(found)


def list_folders(user_dir: str | os.PathLike[str]) -> list[str]:
    """Return the client paths of every folder on disk, the Inbox first."""
    return [format_folder_path(key) for key, _ in iter_folders(user_dir)]


def _is_plain_child(path: Path, parent: Path) -> bool:
    """Tell whether ``path`` is no link and resolves to a child of ``parent``."""
    real = os.path.realpath(path)
    return not path.is_symlink() and os.path.dirname(real) == os.path.realpath(parent)
