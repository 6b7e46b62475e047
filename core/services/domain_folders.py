"""Where domain folders live on disk, and moving them without losing a file.

A move copies into a staging folder beside the target (hard links where the
file system allows), renames the staging folder to the target, commits the
new path, and only then removes the old tree. A failure or crash before the
commit leaves the domain on its old, untouched folder (and at worst a copy
to clean up); after it, on a complete new folder and an old copy. No step
destroys the only copy of a file.

Claims of folders run one at a time: on PostgreSQL, ``lock_folders`` takes
an advisory lock till the transaction ends, before the check that no other
domain's folder is the same, inside or around; on SQLite the write lock
already orders them. Locks are taken in one order: a domain name's
(``lock_domain_name``), then the folders', then a domain's row.
"""

import logging
import os
import shutil
import sys
from pathlib import Path

from sqlalchemy import func, or_, text
from sqlmodel import Session, select

from core.config import Config
from core.db import on_commit, on_rollback
from core.errors import Conflict, InvalidInput
from core.models import Domain

logger = logging.getLogger(__name__)

# Any fixed number: the key of the PostgreSQL advisory lock that orders
# claims of domain folders.
FOLDER_LOCK = 0x666F6C64


def default_folder(config: Config, name: str) -> Path:
    return (config.domains_dir / name).resolve()


def clean_folder(config: Config, raw: str | None, name: str) -> Path:
    """Resolve a requested folder and check it lies under an allowed root."""
    if not raw:
        return default_folder(config, name)
    if "\x00" in raw:
        raise _outside_roots(raw)
    folder = Path(raw)
    if not folder.is_absolute():
        folder = config.data_dir / folder
    folder = folder.resolve()
    roots = [root.resolve() for root in config.allowed_domain_roots]
    if not any(folder.is_relative_to(root) and folder != root for root in roots):
        raise _outside_roots(raw)
    return folder


def _outside_roots(raw: str) -> InvalidInput:
    return InvalidInput(
        f"The folder {raw!r} is outside the folders allowed for domains.",
        field="folder",
        code="FOLDER_NOT_ALLOWED",
    )


def lock_folders(session: Session) -> None:
    """Hold every domain folder's claim until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": FOLDER_LOCK}
        )


def check_folder_free(session: Session, folder: Path, *, own_id: int | None) -> None:
    """No two domains share a folder or nest inside each other's.

    The claim stays held until the transaction ends (``lock_folders``).
    """
    lock_folders(session)
    if holds_other_domain(session, folder, own_id=own_id):
        raise folder_taken(folder)


def folder_taken(folder: Path) -> Conflict:
    return Conflict(
        f"The folder {folder} belongs to another domain.",
        field="folder",
        code="FOLDER_TAKEN",
    )


def holds_other_domain(session: Session, folder: Path, *, own_id: int | None) -> bool:
    """Another domain's folder is this one, inside it or around it.

    One query: the folder and its ancestors by equality, the folders inside
    it by an exact, case-sensitive prefix (LIKE ignores case on SQLite).
    """
    ancestors = [str(folder), *(str(parent) for parent in folder.parents)]
    inside = str(folder).rstrip(os.sep) + os.sep
    query = select(Domain.id).where(
        or_(
            Domain.folder.in_(ancestors),
            func.substr(Domain.folder, 1, len(inside)) == inside,
        )
    )
    if own_id is not None:
        query = query.where(Domain.id != own_id)
    return session.exec(query.limit(1)).first() is not None


def create_folder(session: Session, folder: Path) -> None:
    """Make the folder (and missing parents); undo that if the transaction fails.

    Only what this call created is removed: a folder that existed before
    is left as it was found, apart from what later steps remove themselves.
    """
    created = _first_missing(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if created is not None:
        on_rollback(session, lambda: shutil.rmtree(created, ignore_errors=True))


def _first_missing(folder: Path) -> Path | None:
    missing = None
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing


def check_not_nested(source: Path, target: Path) -> None:
    """A folder can't move into itself, nor onto one of its parents."""
    if target.is_relative_to(source) or source.is_relative_to(target):
        raise InvalidInput(
            f"The folder {target} lies inside the current folder or contains it.",
            field="folder",
            code="FOLDER_NESTED",
        )


def move_folder(session: Session, source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` now; drop ``source`` after the commit."""
    # Limitation: the copy runs inside the request, which is quick with hard
    # links but slow across file systems — running the move as a job would
    # lift it.
    check_not_nested(source, target)
    if target.exists():
        raise Conflict(
            f"The folder {target} already exists.", field="folder", code="FOLDER_EXISTS"
        )
    staging = target.with_name(f".{target.name}.moving")
    shutil.rmtree(staging, ignore_errors=True)
    create_folder(session, target.parent)
    try:
        _stage(source, staging)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    on_rollback(session, lambda: shutil.rmtree(target, ignore_errors=True))
    on_commit(session, lambda: remove_tree(source))


def _stage(source: Path, staging: Path) -> None:
    if source.exists():
        copy_tree(source, staging)
    else:
        logger.warning("Folder %s is missing; moving an empty folder.", source)
        staging.mkdir()


def copy_tree(source: Path, staging: Path) -> None:
    """Copy a tree, linking files instead of copying where possible."""
    shutil.copytree(source, staging, copy_function=_link_or_copy, symlinks=True)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def remove_tree(folder: Path) -> None:
    """Remove a tree once nothing refers to it; what can't go is reported."""
    if not folder.exists():
        return
    failed: list[str] = []
    # onerror became onexc in Python 3.12; both pass the path second.
    handler = "onexc" if sys.version_info >= (3, 12) else "onerror"
    shutil.rmtree(folder, **{handler: lambda _f, path, _e: failed.append(path)})
    if failed:
        logger.warning(
            "Left %d entries of %s behind; remove them by hand.", len(failed), folder
        )
    else:
        logger.info("Removed folder %s.", folder)
