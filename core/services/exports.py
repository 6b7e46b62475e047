"""CSV exports of every domain and every user, streamed from the database.

Rows come from one query read in batches (``yield_per``: a server-side
cursor on PostgreSQL), go through ``csv.writer`` into a temporary file
beside the export, and the file takes its final name only when complete.
Memory stays flat however many rows there are, and a redelivered message
finds the finished file and writes nothing again.
"""

import contextlib
import csv
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.db import session_scope
from core.models import Domain, Job, User
from core.models.job import JobState
from core.principal import Principal, require_domain_operator
from core.services.api_keys import job_scope_conditions, job_scope_params
from core.services.export_columns import (
    ExportColumn,
    dig,
    plugin_cells,
    plugin_columns,
    settings_columns,
    to_cell,
)
from core.services.export_sql import sql_cell
from core.services.jobs import ProgressSaver, create_job, save_progress

logger = logging.getLogger(__name__)

__all__ = [
    "ExportColumn",
    "export_domains",
    "export_path",
    "export_users",
    "is_downloadable",
    "request_export",
    "write_export",
]

BATCH_ROWS = 1000
STALE_SECONDS = 3600

EXPORT_DOMAINS = "export_domains"
EXPORT_USERS = "export_users"

# Header, column, kind (see ``export_sql.KINDS``): the users file
# after its email column. Names and states the services validate are
# "trusted": they can't start like a formula.
USER_FIELDS = [
    ("domain", Domain.name.label("domain_name"), "trusted"),
    ("displayName", User.display_name, "text"),
    ("authType", User.auth_type, "trusted"),
    ("title", User.title, "text"),
    ("fullName", User.full_name, "text"),
    ("birthday", User.birthday, "date"),
    ("mobilePhone", User.mobile_phone, "text"),
    ("homePhone", User.home_phone, "text"),
    ("workPhone", User.work_phone, "text"),
    ("homeAddress", User.home_address, "text"),
    ("workAddress", User.work_address, "text"),
    ("jobTitle", User.job_title, "text"),
    ("diskUsedBytes", User.disk_used_bytes, "number"),
    ("mailboxSizeMb", User.mailbox_size_mb, "number"),
    ("status", User.status, "trusted"),
    ("domainAdmin", User.is_domain_admin, "flag"),
    ("lastLogin", User.last_login_at, "datetime"),
    ("createdAt", User.created_at, "datetime"),
]

DOMAIN_FIELDS = [
    ("name", Domain.name, "trusted"),
    ("status", Domain.status, "trusted"),
    ("hostname", Domain.hostname, "trusted"),
    ("folder", Domain.folder, "text"),
    ("diskUsedBytes", Domain.disk_used_bytes, "number"),
    ("userCount", Domain.user_count, "number"),
    ("userAliasCount", Domain.user_alias_count, "number"),
    ("domainAliasCount", Domain.domain_alias_count, "number"),
    ("mailingListCount", Domain.mailing_list_count, "number"),
    ("createdAt", Domain.created_at, "datetime"),
]


def request_export(session, runtime, principal: Principal, kind: str) -> Job:
    """Queue an export of ``kind`` (``export_domains`` or ``export_users``)."""
    require_domain_operator(principal)
    if kind not in {EXPORT_DOMAINS, EXPORT_USERS}:
        raise ValueError(f"No export of kind {kind!r}.")
    params = job_scope_params(principal)
    return create_job(session, runtime, principal, kind, params)


def export_path(config, job_id: int) -> Path:
    return config.exports_dir / f"{job_id}.csv"


def is_downloadable(job: Job) -> bool:
    """Whether the job is a finished export: its result names its download."""
    result = job.result or {}
    return job.state == JobState.SUCCEEDED.value and result.get("downloadUrl") == _url(
        job.id
    )


def download_name(job: Job) -> str:
    day = job.created_at.strftime("%Y%m%d")
    return f"{job.kind.removeprefix('export_')}-{day}-{job.id}.csv"


def export_users(runtime, job: Job) -> dict:
    """Write every user, sorted by domain then address; return the job result."""
    dialect = runtime.engine.dialect.name
    extra = plugin_columns(runtime.plugins, "users", _user_headers())
    cells = plugin_cells(extra)
    address = User.local_part + "@" + Domain.name
    columns = [sql_cell(address, "text", dialect)]
    columns += [sql_cell(column, kind, dialect) for _h, column, kind in USER_FIELDS]
    query = (
        select(*_labelled(columns), *_plugin_selection(extra, cells, USER_ROW))
        .join(Domain, Domain.id == User.domain_id)
        .where(*job_scope_conditions(job.params, User.domain_id))
        .order_by(Domain.name, User.local_part)
    )

    header = [*_user_headers(), *(column.name for column in extra)]
    scope = job_scope_conditions(job.params, User.domain_id)
    total = _count(runtime.engine, select(func.count(User.id)).where(*scope))
    convert = _with_plugin_cells(len(columns), cells)
    return write_export(runtime, job, header, total, query, convert)


def _user_headers() -> list[str]:
    return ["email", *(header for header, _column, _kind in USER_FIELDS)]


# What a plugin's ``value`` function finds on the row, beside its own labels.
USER_ROW = [User.id, User.domain_id, User.local_part, User.settings, User.forwarding]
DOMAIN_ROW = [Domain.id, Domain.name, Domain.settings]


def _labelled(columns: list) -> list:
    return [column.label(f"cell_{index}") for index, column in enumerate(columns)]


def _plugin_selection(extra: list[Any], cells: list, row_columns: list) -> list:
    columns = [
        column.expression.label(label)
        for column, (label, _cell) in zip(extra, cells, strict=True)
        if label is not None
    ]
    if any(label is None for label, _cell in cells):
        columns += row_columns
    return columns


def _with_plugin_cells(width: int, cells: list) -> Callable[[list], list]:
    """Rows as the database computed them, plus the plugins' cells, if any."""
    if not cells:
        return lambda rows: rows

    def convert(rows: list) -> list:
        return [(*row[:width], *(cell(row) for _l, cell in cells)) for row in rows]

    return convert


def export_domains(runtime, job: Job) -> dict:
    """Write every domain with its counts and every settings field."""
    dialect, registry = runtime.engine.dialect.name, runtime.registry
    settings = settings_columns(registry, "domain")
    base = [header for header, _column, _kind in DOMAIN_FIELDS]
    taken = [*base, "primaryAdmin", *(header for header, _s, _p in settings)]
    extra = plugin_columns(runtime.plugins, "domains", taken)
    cells = plugin_cells(extra)

    admin = aliased(User)
    columns = [sql_cell(column, kind, dialect) for _h, column, kind in DOMAIN_FIELDS]
    columns.append(sql_cell(admin.local_part + "@" + Domain.name, "text", dialect))
    query = (
        select(*_labelled(columns), *_plugin_selection(extra, cells, DOMAIN_ROW))
        .add_columns(Domain.settings.label("stored_settings"))
        .outerjoin(admin, admin.id == Domain.primary_admin_id)
        .where(*job_scope_conditions(job.params, Domain.id))
        .order_by(Domain.name)
    )
    width = len(columns)

    def convert(rows: list) -> list:
        return [
            (
                *row[:width],
                *_settings_cells(registry, row.stored_settings, settings),
                *(cell(row) for _label, cell in cells),
            )
            for row in rows
        ]

    header = [*taken, *(column.name for column in extra)]
    scope = job_scope_conditions(job.params, Domain.id)
    total = _count(runtime.engine, select(func.count(Domain.id)).where(*scope))
    return write_export(runtime, job, header, total, query, convert)


def _settings_cells(registry, stored: dict | None, settings: list) -> list:
    documents = _settings_documents(registry, stored)
    return [to_cell(dig(documents[section], path)) for _h, section, path in settings]


def _settings_documents(registry, stored: dict | None) -> dict[str, dict]:
    return {
        name: model.model_dump(mode="json")
        for name, model in registry.read_all("domain", stored).items()
    }


def _count(engine, query) -> int:
    with session_scope(engine, write=False) as session:
        return session.execute(query).scalar_one()


# Writing the file.


def write_export(
    runtime, job: Job, header: list[str], total: int, query, convert: Callable
) -> dict:
    """Stream ``query`` through ``convert`` into the job's CSV file.

    ``convert`` turns a batch of result rows into CSV rows (cells already
    neutralised); ``total`` is the expected row count for progress. The
    file takes its name only when complete, and a finished file is kept
    as it is, so a redelivered job writes nothing again. Returns the
    job's result: rows, bytes and the downloadUrl that makes the job
    downloadable by its owner (plugins' exports included).
    """
    final = export_path(runtime.config, job.id)
    if final.exists():
        # An earlier attempt renamed its finished file and died before
        # recording success: the export exists, it is not written again.
        logger.info("Export %s already exists; kept it.", final.name)
        return _result(job.id, job.done, final)

    saver = ProgressSaver(runtime.engine, job.id)
    saver.save(done=0, total=total, force=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(final.parent, job.id)
    fd, staged = tempfile.mkstemp(dir=final.parent, prefix=f".{job.id}.", suffix=".tmp")
    try:
        rows = _write_rows(fd, header, _batches(runtime.engine, query, convert), saver)
        save_progress(runtime.engine, job.id, done=rows, total=rows)
        _publish(Path(staged), final)
    finally:
        Path(staged).unlink(missing_ok=True)
    logger.info("Exported %d rows to %s.", rows, final)
    return _result(job.id, rows, final)


def _publish(staged: Path, final: Path) -> None:
    """Give the finished file its name, unless another attempt did first.

    A hard link creates the name only if it is free, atomically: of two
    attempts running at once (a message delivered twice), one publishes.
    """
    try:
        os.link(staged, final)
    except FileExistsError:
        logger.info("Another attempt published %s first; kept it.", final.name)
        return
    _fsync_dir(final.parent)


def _remove_stale(folder: Path, job_id: int) -> None:
    """Remove what attempts killed mid-write left; a live one keeps writing."""
    limit = time.time() - STALE_SECONDS
    for path in folder.glob(f".{job_id}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < limit:
                path.unlink()


def _write_rows(fd: int, header: list[str], batches, saver: ProgressSaver) -> int:
    rows = 0
    # The byte order mark lets spreadsheets read the file as UTF-8.
    with open(fd, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for batch in batches:
            writer.writerows(batch)
            rows += len(batch)
            saver.save(done=rows)
        handle.flush()
        os.fsync(handle.fileno())
    return rows


def _batches(engine, query, convert: Callable) -> Iterator[list]:
    """Converted rows, a batch at a time, from one streamed Core query."""
    with session_scope(engine, write=False) as session:
        connection = session.connection()
        result = connection.execute(query.execution_options(yield_per=BATCH_ROWS))
        for partition in result.partitions():
            yield convert(partition)


def _result(job_id: int, rows: int, path: Path) -> dict:
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "downloadUrl": _url(job_id),
    }


def _url(job_id: int) -> str:
    return f"/downloads/{job_id}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_export(config, job_id: int) -> None:
    """Remove a job's export file, if any (when the job is deleted)."""
    export_path(config, job_id).unlink(missing_ok=True)
