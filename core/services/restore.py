"""Restore: attach a user or a folder found on disk, rebuild a folder from .eml.

Only system administrators restore. A request checks everything it can
(the address, the path, that the folder is there) and records a job; the
job does the disk work (``core.mailstore.restore``) with progress per
message, then sets the user's disk usage from a scan of its folder, so
usage is exact after any restore. Every step is safe to repeat: the mail
store takes in each file once, and usage is set, not added.

An attached user gets an unusable password: nobody can log in as it until
an administrator sets one (``updateUser``). Its other fields start from the
user defaults, as a new user's do.
"""

import logging
import secrets
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from core.db import session_scope
from core.errors import NotFound
from core.mailstore import (
    FolderNotFound,
    MailStoreError,
    RebuildReport,
    attach_folder,
    attach_user,
    find_unattached_users,
    folder_usage,
    locate_user_dir,
    rebuild_folder,
)
from core.mailstore.layout import maildir_root, require_folder
from core.models import Domain, Job, User
from core.principal import Principal, require_system_admin
from core.services.disk_usage import rearm_warnings, set_user_usage
from core.services.jobs import ProgressSaver, create_job
from core.services.scope import find_domain, user_not_found
from core.services.templates import user_template
from core.services.user_fields import split_mailbox_address
from core.services.users import (
    add_user,
    announce_new_user,
    check_address_free,
    mailbox_cap,
)

logger = logging.getLogger(__name__)

ATTACH_USER = "attach_user"
ATTACH_FOLDER = "attach_folder"
REBUILD_FOLDER = "rebuild_folder"
SKIPPED_SHOWN = 100
UNUSABLE_PREFIX = "!restored:"


def unusable_password_hash() -> str:
    """A stored hash that no password matches, random so no two are alike."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


# Requests: checked in the caller's transaction, which records the job.


def request_attach_user(
    session: Session, runtime: Any, principal: Principal, email: str
) -> Job:
    """Make the user folder of ``email`` found on disk a user again, as a job.

    The user row is created here, within the domain's user limit, so the
    address is taken at once; the job indexes its mail and counts its bytes.
    """
    domain, local_part = _require_target(session, principal, email)
    check_address_free(session, domain, local_part)
    if not _holds_mail(_user_dir(domain, local_part)):
        raise FolderNotFound(_no_folder_message(domain, local_part), field="email")

    user = _add_attached_user(session, runtime, domain, local_part)
    params = {"userId": user.id, "email": f"{local_part}@{domain.name}"}
    return create_job(session, runtime, principal, ATTACH_USER, params)


def request_attach_folder(
    session: Session,
    runtime: Any,
    principal: Principal,
    email: str,
    folder_path: str,
    recursive: bool,
) -> Job:
    """Attach a folder of a user found on disk (with its subfolders), as a job."""
    return _request_folder_job(
        session, runtime, principal, ATTACH_FOLDER, email, folder_path, recursive
    )


def request_rebuild_folder(
    session: Session,
    runtime: Any,
    principal: Principal,
    email: str,
    folder_path: str,
    recursive: bool,
) -> Job:
    """Take the .eml files copied into an existing folder into it, as a job."""
    return _request_folder_job(
        session, runtime, principal, REBUILD_FOLDER, email, folder_path, recursive
    )


def _request_folder_job(
    session, runtime, principal, kind: str, email: str, path: str, recursive: bool
) -> Job:
    domain, local_part = _require_target(session, principal, email)
    user_id = session.execute(
        select(User.id).where(
            User.domain_id == domain.id, User.local_part == local_part
        )
    ).scalar_one_or_none()
    if user_id is None:
        raise user_not_found(email)

    # Checks the path's text, its links and that the folder exists.
    require_folder(_user_dir(domain, local_part), path, maildir=kind == REBUILD_FOLDER)
    params = {
        "userId": user_id,
        "email": f"{local_part}@{domain.name}",
        "folderPath": path,
        "recursive": recursive,
    }
    return create_job(session, runtime, principal, kind, params)


def _require_target(
    session: Session, principal: Principal, email: str
) -> tuple[Domain, str]:
    require_system_admin(principal)
    local_part, domain_name = split_mailbox_address(email)
    domain = find_domain(session, domain_name)
    if domain is None:
        raise NotFound(
            f"No domain named {domain_name!r}.", field="email", code="DOMAIN_NOT_FOUND"
        )
    return domain, local_part


def _user_dir(domain: Domain, local_part: str) -> Path:
    try:
        return locate_user_dir(domain.folder, local_part)
    except MailStoreError as exc:
        raise _on_email(exc) from exc


def _holds_mail(user_dir: Path) -> bool:
    try:
        return maildir_root(user_dir).is_dir()
    except MailStoreError as exc:
        raise _on_email(exc) from exc


def _no_folder_message(domain: Domain, local_part: str) -> str:
    folder = Path(domain.folder)
    found = find_unattached_users(folder, []) if folder.is_dir() else []
    for name in found:
        if name.casefold() == local_part:
            return (
                f"The user folder {name!r} differs from {local_part!r} in letter "
                f"case only; rename it to {local_part!r} first."
            )
    return (
        f"The domain's folder holds no user folder {local_part!r} with a "
        "Maildir in it; place it there first."
    )


def _on_email(exc: MailStoreError) -> MailStoreError:
    """The same error, about the ``email`` input that named the folder."""
    return type(exc)(exc.message, field="email", code=exc.code)


def _add_attached_user(
    session: Session, runtime: Any, domain: Domain, local_part: str
) -> User:
    limit = runtime.registry.read("domain", domain.settings, "limits").users
    user = add_user(
        session,
        domain,
        local_part,
        None,
        user_limit=limit,
        settings=user_template(session, runtime, domain.name, field="email"),
        password_hash=unusable_password_hash(),
        mailbox_cap=mailbox_cap(runtime),
    )
    announce_new_user(session, runtime, None, user, domain)
    logger.info("Attaching user %s@%s found on disk.", local_part, domain.name)
    return user


# Jobs: the disk work, then the usage, each safe to run again.


def run_attach_user(runtime: Any, job: Job) -> dict:
    return _run(
        runtime,
        job,
        lambda user_dir, progress: attach_user(user_dir, progress=progress),
    )


def run_attach_folder(runtime: Any, job: Job) -> dict:
    return _run(runtime, job, _folder_action(attach_folder, job.params))


def run_rebuild_folder(runtime: Any, job: Job) -> dict:
    return _run(runtime, job, _folder_action(rebuild_folder, job.params))


def _folder_action(action, params: dict):
    path, recursive = params["folderPath"], params["recursive"]
    return lambda user_dir, progress: action(
        user_dir, path, recursive, progress=progress
    )


def _run(runtime: Any, job: Job, action) -> dict:
    user_id, domain_id, user_dir = _load_target(runtime, job.params)
    saver = ProgressSaver(runtime.engine, job.id)
    saver.save(done=0, total=0, force=True)
    progress = RestoreProgress(saver)
    try:
        report: RebuildReport = action(user_dir, progress)
    finally:
        # Even a restore cut short has moved files: count what is there now.
        used = record_usage(runtime, user_id, domain_id, user_dir)
    saver.save(done=progress.done, total=progress.total, force=True)
    logger.info(
        "Restore job %d for %s: %d taken in, %d skipped.",
        job.id,
        job.params["email"],
        report.imported,
        len(report.skipped),
    )
    return report_result(report, used)


class RestoreProgress:
    """The mail store's progress callback, saved to the job now and then."""

    def __init__(self, saver: ProgressSaver) -> None:
        self.saver = saver
        self.done = self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.saver.save(done=done, total=total)


def _load_target(runtime: Any, params: dict) -> tuple[int, int, Path]:
    with session_scope(runtime.engine, write=False) as session:
        row = session.execute(
            select(User.id, User.local_part, Domain.id, Domain.folder)
            .join(Domain, Domain.id == User.domain_id)
            .where(User.id == params["userId"])
        ).first()
    if row is None:
        raise user_not_found(params["email"])
    user_id, local_part, domain_id, folder = row
    return user_id, domain_id, locate_user_dir(folder, local_part)


def record_usage(runtime: Any, user_id: int, domain_id: int, user_dir: Path) -> int:
    """Set a user's usage (and its domain's) from a scan of its folder."""
    used = folder_usage(user_dir)
    with session_scope(runtime.engine) as session:
        set_user_usage(session, user_id, domain_id, used)
        rearm_warnings(session, runtime, domain_id)
    return used


def report_result(report: RebuildReport, used: int) -> dict:
    """The job's result: per folder counts, and the files left aside."""
    skipped = [
        {"folderPath": folder.folder_path, **asdict(file)}
        for folder in report.folders
        for file in folder.skipped
    ]
    return {
        "imported": report.imported,
        "indexed": sum(folder.indexed for folder in report.folders),
        "skipped": len(skipped),
        "skippedFiles": skipped[:SKIPPED_SHOWN],
        "diskUsedBytes": used,
        "folders": [
            {
                "folderPath": folder.folder_path,
                "uidValidity": folder.uid_validity,
                "indexed": folder.indexed,
                "imported": folder.imported,
                "messages": folder.messages,
                "skipped": len(folder.skipped),
            }
            for folder in report.folders
        ],
    }
