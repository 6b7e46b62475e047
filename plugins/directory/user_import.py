"""Importing a directory's users into their domain, as a job.

The job lists every entry the user filter matches under ``baseDn``, then
creates a DIRECTORY user for each login not taken yet, one transaction an
entry: the user, its folder, the plugins' hooks and the job's checkpoint
commit together. Users get an unusable password hash (the directory proves
their passwords) and the user defaults, as new users do. Entries are taken
in login order, so a redelivered message carries on after the checkpoint;
a login already present is counted as existing, so a second import
creates nobody twice. DIRECTORY users the directory no longer lists are
reported as missing. They can't log in (the directory no longer proves
their passwords), but their mail still arrives: they are left as they are
unless the import was asked to disable them (``disableMissing``), which it
does as the last step, in one transaction with an audit entry, sparing the
domain's primary administrator so that the domain keeps one.
"""

import copy
import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from core.db import session_scope
from core.errors import MailplaneError, NotFound
from core.models import Domain, Job, User
from core.principal import Principal
from core.runtime import Runtime
from core.services import audit, domain_folders
from core.services.jobs import (
    JobCancelled,
    create_job,
    job_owner,
    save_progress,
    update_progress,
)
from core.services.templates import user_template
from core.services.user_fields import split_mailbox_address
from core.services.users import add_user, announce_new_user, mailbox_cap
from plugins.directory.client import DirectoryEntry, list_entries
from plugins.directory.errors import (
    DirectoryMisconfigured,
    DirectoryUnavailable,
    NoLoginAttribute,
)
from plugins.directory.service import (
    DIRECTORY,
    require_directory_config,
    require_directory_domain,
)

logger = logging.getLogger(__name__)

IMPORT_USERS = "import_directory_users"
SKIPPED_SHOWN = 100
MISSING_SHOWN = 100
UNUSABLE_PREFIX = "!directory:"
MAX_DISPLAY_NAME = 255


def request_import(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    domain_name: str,
    *,
    disable_missing: bool = False,
) -> Job:
    """Check the caller, the domain's directory settings and the user
    template it would apply, then queue the job."""
    domain = require_directory_domain(session, runtime, principal, domain_name)
    require_directory_config(session, runtime, domain)
    user_template(session, runtime, domain.name, field="domain")
    params = {"domainId": domain.id, "disableMissing": disable_missing}
    return create_job(session, runtime, principal, IMPORT_USERS, params)


def unusable_password_hash() -> str:
    """A stored hash that no password matches, random so no two are alike."""
    return UNUSABLE_PREFIX + secrets.token_hex(16)


@dataclass
class ImportReport:
    """What an import did so far; it is the job's result."""

    created: int = 0
    existing: int = 0
    skipped: int = 0
    skipped_entries: list[dict] = field(default_factory=list)
    missing: int = 0
    missing_users: list[str] = field(default_factory=list)
    disabled: int = 0

    @property
    def done(self) -> int:
        return self.created + self.existing + self.skipped

    def skip(self, entry: DirectoryEntry, code: str) -> None:
        self.skipped += 1
        if len(self.skipped_entries) < SKIPPED_SHOWN:
            self.skipped_entries.append({"entry": entry.dn, "code": code})

    def as_result(self) -> dict:
        return {
            "created": self.created,
            "existing": self.existing,
            "skipped": self.skipped,
            "skippedEntries": list(self.skipped_entries),
            "missing": self.missing,
            "missingUsers": list(self.missing_users),
            "disabled": self.disabled,
        }

    @classmethod
    def from_result(cls, result: dict | None) -> "ImportReport":
        result = result or {}
        return cls(
            result.get("created", 0),
            result.get("existing", 0),
            result.get("skipped", 0),
            list(result.get("skippedEntries", [])),
            result.get("missing", 0),
            list(result.get("missingUsers", [])),
            result.get("disabled", 0),
        )


def run_import(runtime: Runtime, job: Job) -> dict:
    """The job's body: list the directory, then every entry after the checkpoint."""
    domain_id = job.params["domainId"]
    entries, template = _read_directory(runtime, domain_id)
    report = ImportReport.from_result(job.result)
    save_progress(runtime.engine, job.id, done=report.done, total=len(entries))

    for index, entry in enumerate(entries, start=1):
        if index > job.checkpoint:
            import_entry(runtime, job, index, entry, template, report)
    if job.params.get("disableMissing"):
        disable_missing(runtime, job, entries, report)
    else:
        report_missing(runtime, domain_id, entries, report)
    logger.info(
        "Directory import job %d: %d created, %d existing, %d skipped, "
        "%d missing from the directory, %d disabled.",
        job.id,
        report.created,
        report.existing,
        report.skipped,
        report.missing,
        report.disabled,
    )
    return report.as_result()


def _read_directory(runtime: Runtime, domain_id: int):
    """The entries in login order, and the user defaults of the domain."""
    with session_scope(runtime.engine, write=False) as session:
        domain = _require_domain(session, domain_id)
        config = require_directory_config(session, runtime, domain)
        template = user_template(session, runtime, domain.name)
    # Limitation: the whole listing is held in memory for the job — walking
    # the pages with their cookie as the checkpoint would lift it.
    # Domain administrators see the job's error: what the server said goes
    # to the log alone.
    try:
        entries = list_entries(config)
    except DirectoryMisconfigured as exc:
        logger.warning(
            "The directory of %s can't be listed: %s; correct directory.baseDn.",
            domain.name,
            exc.detail,
        )
        raise
    except DirectoryUnavailable as exc:
        logger.warning(
            "The directory of %s can't be listed: %s.", domain.name, exc.detail
        )
        raise DirectoryUnavailable(
            exc.detail, DirectoryUnavailable.JOB_MESSAGE
        ) from None
    return sorted(entries, key=lambda e: ((e.login or "").lower(), e.dn)), template


def import_entry(
    runtime: Runtime,
    job: Job,
    index: int,
    entry: DirectoryEntry,
    template: dict,
    report: ImportReport,
) -> None:
    """Create one entry's user (or skip it) and save the checkpoint, together."""
    with session_scope(runtime.engine) as session:
        domain = _require_domain(session, job.params["domainId"])
        try:
            with session.begin_nested():
                created = _add_directory_user(session, runtime, domain, entry, template)
        except MailplaneError as exc:
            report.skip(entry, exc.code)
        else:
            if created:
                report.created += 1
            else:
                report.existing += 1
        running = update_progress(
            session,
            job.id,
            done=report.done,
            checkpoint=index,
            result=report.as_result(),
        )
        if not running:
            # Cancelled meanwhile: this entry's user is rolled back too.
            raise JobCancelled(job.id)


def _add_directory_user(
    session: Session, runtime: Runtime, domain: Domain, entry: DirectoryEntry, template
) -> bool:
    """Add the entry's user; False when its login is a user already."""
    local_part = _local_part(entry, domain.name)
    taken = select(User.id).where(
        User.domain_id == domain.id, User.local_part == local_part
    )
    if session.exec(taken).first() is not None:
        return False

    limit = runtime.registry.read("domain", domain.settings, "limits").users
    user = add_user(
        session,
        domain,
        local_part,
        None,
        user_limit=limit,
        settings=copy.deepcopy(template),
        password_hash=unusable_password_hash(),
        mailbox_cap=mailbox_cap(runtime),
    )
    user.auth_type = DIRECTORY
    user.display_name = clean_imported_name(entry.display_name)
    session.add(user)
    announce_new_user(session, runtime, None, user, domain)
    domain_folders.create_folder(session, Path(domain.folder) / local_part)
    logger.debug("Imported %s@%s from %s.", local_part, domain.name, entry.dn)
    return True


def _local_part(entry: DirectoryEntry, domain_name: str) -> str:
    if not entry.login:
        raise NoLoginAttribute(entry.dn)
    return split_mailbox_address(f"{entry.login}@{domain_name}")[0]


def report_missing(
    runtime: Runtime,
    domain_id: int,
    entries: list[DirectoryEntry],
    report: ImportReport,
) -> None:
    """Count the domain's DIRECTORY users whose login the listing lacks."""
    with session_scope(runtime.engine, write=False) as session:
        domain = _require_domain(session, domain_id)
        _note_missing(report, domain, _missing_users(session, domain, entries))


def disable_missing(
    runtime: Runtime, job: Job, entries: list[DirectoryEntry], report: ImportReport
) -> None:
    """Report the missing DIRECTORY users and disable the enabled ones but
    the primary administrator, with the job's result, in one transaction.

    Run again after a crash, it finds them disabled and changes nothing.
    """
    with session_scope(runtime.engine) as session:
        audit.watch(session)
        domain = _require_domain(session, job.params["domainId"])
        missing = _missing_users(session, domain, entries)
        _note_missing(report, domain, missing)
        for user in missing:
            if user.status == "enabled" and user.id != domain.primary_admin_id:
                user.status = "disabled"
                session.add(user)
                report.disabled += 1
        if report.disabled:
            # The entry is about the job; the users it disabled are its changes.
            target = audit.Target("job", str(job.id), domain.id, domain.name)
            audit.set_target(session, target)
            caller = audit.Caller(job_owner(session, job))
            audit.record_mutation(session, caller, "importDirectoryUsers", target)
            logger.info(
                "Directory import job %d disabled %d users of %s the directory "
                "no longer lists.",
                job.id,
                report.disabled,
                domain.name,
            )
        if not update_progress(session, job.id, result=report.as_result()):
            raise JobCancelled(job.id)


def _missing_users(
    session: Session, domain: Domain, entries: list[DirectoryEntry]
) -> list[User]:
    """The domain's DIRECTORY users whose login the listing lacks, by login."""
    listed = _listed_local_parts(entries, domain.name)
    rows = session.exec(
        select(User)
        .where(User.domain_id == domain.id, User.auth_type == DIRECTORY)
        .order_by(User.local_part)
    )
    return [user for user in rows if user.local_part not in listed]


def _note_missing(report: ImportReport, domain: Domain, missing: list[User]) -> None:
    report.missing = len(missing)
    report.missing_users = [
        f"{user.local_part}@{domain.name}" for user in missing[:MISSING_SHOWN]
    ]


def _listed_local_parts(entries: list[DirectoryEntry], domain_name: str) -> set[str]:
    listed = set()
    for entry in entries:
        try:
            listed.add(_local_part(entry, domain_name))
        except MailplaneError:
            continue
    return listed


def clean_imported_name(raw: str) -> str:
    """A display name a user could have been given: printable, not too long."""
    printable = "".join(c for c in raw if ord(c) >= 32).strip()
    return printable[:MAX_DISPLAY_NAME]


def _require_domain(session: Session, domain_id: int) -> Domain:
    domain = session.get(Domain, domain_id)
    if domain is None:
        raise NotFound("The domain no longer exists.", code="DOMAIN_NOT_FOUND")
    return domain
