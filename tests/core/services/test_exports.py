"""CSV exports: their rows and columns, neutralised cells, plugins, idempotency."""

import csv
import types
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from core.db import session_scope
from core.errors import PermissionDenied
from core.hookspecs import hookimpl
from core.models import User
from core.plugins import PluginInfo
from core.runtime import build_runtime
from core.services import exports
from core.services.export_columns import neutralise
from core.services.exports import ExportColumn, export_path, request_export
from core.services.jobs import JobCancelled, save_progress
from tests.workers.support import (
    add_users,
    domain_admin,
    make_domain,
    read_job,
    request_job,
    run_job_now,
    set_job,
    system_admin,
)


def _export(runtime, kind: str) -> int:
    admin = system_admin(runtime)
    return request_job(
        runtime, lambda session: request_export(session, runtime, admin, kind)
    )


def _rows(runtime, job_id: int) -> list[dict]:
    path = export_path(runtime.config, job_id)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _set_user(runtime, local_part: str, **values) -> None:
    with session_scope(runtime.engine) as session:
        session.execute(
            update(User).where(User.local_part == local_part).values(**values)
        )


def test_export_users_sorts_users_by_domain(runtime):
    b = make_domain(runtime, "b.test")
    add_users(runtime, b, 2)
    make_domain(runtime, "a.test")
    _set_user(
        runtime,
        "user00001",
        display_name="Zoë",
        birthday=date(1990, 2, 3),
        last_login_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        disk_used_bytes=12345,
    )
    job_id = _export(runtime, "export_users")

    job = run_job_now(runtime, job_id)

    rows = _rows(runtime, job_id)
    assert [r["email"] for r in rows] == [
        "boss@a.test",
        "boss@b.test",
        "user00000@b.test",
        "user00001@b.test",
    ]
    assert rows[3]["displayName"] == "Zoë"
    assert rows[3]["birthday"] == "1990-02-03"
    assert rows[3]["lastLogin"].startswith("2026-01-02T03:04:00")
    assert (rows[3]["diskUsedBytes"], rows[0]["domainAdmin"]) == ("12345", "true")
    assert job.state == "succeeded"
    assert job.result["rows"] == 4 and (job.done, job.total) == (4, 4)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
)
def test_export_users_neutralises_formula_cells(runtime, text):
    make_domain(runtime, "a.test")
    _set_user(runtime, "boss", full_name=text, disk_used_bytes=7)
    job_id = _export(runtime, "export_users")

    run_job_now(runtime, job_id)

    row = _rows(runtime, job_id)[0]
    assert row["fullName"] == "'" + text
    assert row["diskUsedBytes"] == "7"


def test_neutralise_leaves_ordinary_text_alone():
    assert [neutralise(t) for t in ("Ann", "", None, "a=b")] == [
        "Ann",
        "",
        None,
        "a=b",
    ]


def test_export_domains_lists_counts_and_settings(runtime):
    make_domain(runtime, "a.test", users=3, disk_space_mb=750)
    job_id = _export(runtime, "export_domains")

    run_job_now(runtime, job_id)

    [row] = _rows(runtime, job_id)
    assert (row["name"], row["status"], row["userCount"]) == ("a.test", "enabled", "4")
    assert row["primaryAdmin"] == "boss@a.test"
    assert row["limits.diskSpaceMb"] == "750"
    assert row["throttling.messageAction"] == "delay"
    assert row["features.chat"] == "false"


def _plugin(columns: dict[str, list]) -> types.ModuleType:
    module = types.ModuleType("export_plugin")
    module.PLUGIN_INFO = PluginInfo("export_plugin", "1.0", "Adds export columns.")

    @hookimpl
    def register_export_columns(kind: str) -> list:
        return columns.get(kind, [])

    module.register_export_columns = register_export_columns
    return module


def test_export_users_adds_plugin_columns_of_both_forms(runtime):
    plugin = _plugin(
        {
            "users": [
                ExportColumn("plugin.upper", expression=User.local_part + "!"),
                ExportColumn("plugin.admin", expression=User.is_domain_admin),
                ExportColumn("plugin.len", lambda row: len(row.local_part)),
            ]
        }
    )
    with_plugin = build_runtime(runtime.config, plugin_modules=[plugin])
    make_domain(with_plugin, "a.test")
    job_id = _export(with_plugin, "export_users")

    run_job_now(with_plugin, job_id)

    [row] = _rows(with_plugin, job_id)
    assert (row["plugin.upper"], row["plugin.len"]) == ("boss!", "4")
    assert row["plugin.admin"] == "true"
    with_plugin.engine.dispose()


def test_export_fails_on_a_plugin_column_named_twice(runtime):
    plugin = _plugin({"domains": [ExportColumn("name", lambda row: "x")]})
    with_plugin = build_runtime(runtime.config, plugin_modules=[plugin])
    make_domain(with_plugin, "a.test")
    job_id = _export(with_plugin, "export_domains")

    with pytest.raises(Exception, match="export_plugin"):
        run_job_now(with_plugin, job_id)

    assert not export_path(with_plugin.config, job_id).exists()
    with_plugin.engine.dispose()


def test_redelivered_export_keeps_the_finished_file(runtime):
    make_domain(runtime, "a.test", users=3)
    job_id = _export(runtime, "export_users")
    run_job_now(runtime, job_id)
    path = export_path(runtime.config, job_id)
    first = path.stat()
    set_job(runtime, job_id, state="running")

    job = run_job_now(runtime, job_id)

    assert path.stat().st_ino == first.st_ino
    assert path.stat().st_mtime_ns == first.st_mtime_ns
    assert job.result["rows"] == 4


def test_cancelled_export_leaves_no_file(runtime, monkeypatch):
    make_domain(runtime, "a.test", users=30)
    job_id = _export(runtime, "export_users")
    monkeypatch.setattr(exports, "BATCH_ROWS", 5)

    def cancel_on_save(engine, saved_id, **values):
        set_job(runtime, saved_id, state="cancelled")
        save_progress(engine, saved_id, **values)

    monkeypatch.setattr(exports, "save_progress", cancel_on_save)

    with pytest.raises(JobCancelled):
        run_job_now(runtime, job_id)

    assert list(runtime.config.exports_dir.iterdir()) == []
    assert read_job(runtime, job_id).state == "cancelled"


def test_request_export_is_for_system_administrators(runtime):
    a = make_domain(runtime, "a.test")

    with pytest.raises(PermissionDenied), session_scope(runtime.engine) as session:
        request_export(session, runtime, domain_admin(runtime, a), "export_users")
