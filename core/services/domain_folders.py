"""Where domain folders live on disk, and moving them without losing a file.

A move copies first (hard links where the file system allows), commits the
new path, and only then removes the old tree. A crash before the commit
leaves the domain on its old, untouched folder; a crash after it leaves the
domain on a complete new folder and an old copy to clean up. No step
destroys the only copy of a file.
"""

import logging
import os
import shutil
from pathlib import Path

from sqlmodel import Session, select

from core.config import Config
from core.db import on_commit, on_rollback
from core.errors import Conflict, InvalidInput
from core.models import Domain

logger = logging.getLogger(__name__)


def default_folder(config: Config, name: str) -> Path:
    return config.domains_dir / name


def clean_folder(config: Config, raw: str | None, name: str) -> Path:
    """Resolve a requested folder and check it lies under an allowed root."""
    if not raw:
        return default_folder(config, name).resolve()
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


def check_folder_free(session: Session, folder: Path, *, own_id: int | None) -> None:
    """No two domains share a folder or nest inside each other's."""
    for domain_id, other in session.exec(select(Domain.id, Domain.folder)):
        if domain_id == own_id:
            continue
        other_path = Path(other)
        if (
            folder == other_path
            or folder.is_relative_to(other_path)
            or (other_path.is_relative_to(folder))
        ):
            raise Conflict(
                f"The folder {folder} belongs to another domain.",
                field="folder",
                code="FOLDER_TAKEN",
            )


def create_folder(session: Session, folder: Path) -> None:
    """Make the folder; if the transaction fails, remove what was made."""
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if not existed:
        on_rollback(session, lambda: _remove_if_empty(folder))


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        logger.warning("Left folder %s in place: it is not empty.", folder)


def move_folder(session: Session, source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` now; drop ``source`` after the commit."""
    if target.exists():
        raise Conflict(
            f"The folder {target} already exists.", field="folder", code="FOLDER_EXISTS"
        )
    staging = target.with_name(f".{target.name}.moving")
    shutil.rmtree(staging, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.exists():
        copy_tree(source, staging)
        os.replace(staging, target)
    else:
        target.mkdir()
    on_rollback(session, lambda: shutil.rmtree(target, ignore_errors=True))
    on_commit(session, lambda: remove_tree(source))


def copy_tree(source: Path, staging: Path) -> None:
    """Copy a tree, linking files instead of copying where possible."""
    shutil.copytree(source, staging, copy_function=_link_or_copy, symlinks=True)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    logger.info("Removed folder %s.", folder)
