"""Restore and recount jobs on the brokers: results, failures, cancellation."""

from pathlib import Path

import pytest

from core.db import session_scope
from core.mailstore import create_folder
from core.models import User
from core.services import restore
from core.services.disk_usage import request_recalculation
from core.services.jobs import JobCancelled, cancel_job
from core.services.restore import request_attach_user, request_rebuild_folder
from tests.core.schema.restore.support import (
    counters,
    exact_usage,
    plain,
    read_folder,
    uid_index,
    user_id_of,
    write_eml,
    write_store,
)
from tests.workers.support import (
    add_users,
    make_domain,
    request_job,
    run_job_now,
    system_admin,
    wait_for_job,
)

FILES = 12


@pytest.fixture
def stub_jobs(runtime):
    from workers.embedded import start_jobs

    broker = start_jobs(runtime)
    yield broker
    broker.stop()


@pytest.fixture
def domain(runtime):
    domain = make_domain(runtime, "a.test")
    add_users(runtime, domain, 1)
    return domain


@pytest.fixture
def folder_dir(domain) -> Path:
    """user00000's Inbox/Restored with FILES .eml files waiting in it."""
    user_dir = Path(domain.folder) / "user00000"
    create_folder(user_dir, "Inbox")
    folder_dir = create_folder(user_dir, "Inbox/Restored")
    write_eml(folder_dir, {f"m{n:02d}": plain(f"Message {n}") for n in range(FILES)})
    return folder_dir


def _rebuild(runtime) -> int:
    admin = system_admin(runtime)
    return request_job(
        runtime,
        lambda s: request_rebuild_folder(
            s, runtime, admin, "user00000@a.test", "Inbox/Restored", False
        ),
    )


def test_rebuild_job_runs_on_every_broker(jobs, runtime, domain, folder_dir):
    job = wait_for_job(runtime, _rebuild(runtime))

    assert job.state == "succeeded"
    assert (job.result["imported"], job.done, job.total) == (FILES, FILES, FILES)
    assert len(uid_index(folder_dir)) == FILES


def test_attach_user_and_recount_jobs_run_in_the_server(stub_jobs, runtime, domain):
    write_store(Path(domain.folder) / "carol", {"": [plain("Kept")]})
    admin = system_admin(runtime)

    attached = wait_for_job(
        runtime,
        request_job(
            runtime, lambda s: request_attach_user(s, runtime, admin, "carol@a.test")
        ),
    )
    recount = wait_for_job(
        runtime,
        request_job(
            runtime, lambda s: request_recalculation(s, runtime, admin, "a.test")
        ),
    )

    assert (attached.state, recount.state) == ("succeeded", "succeeded")
    used = exact_usage(domain, "carol")
    assert counters(runtime, domain, "carol") == (used, used)
    assert recount.result["diskUsedBytes"] == used


def test_restore_job_of_deleted_user_fails_with_code(
    stub_jobs, runtime, domain, folder_dir
):
    with session_scope(runtime.engine) as session:
        job_id = _rebuild_in(session, runtime)
        user = session.get(User, user_id_of(runtime, domain, "user00000"))
        session.delete(user)

    job = wait_for_job(runtime, job_id)

    assert job.state == "failed"
    assert job.errors[0]["code"] == "USER_NOT_FOUND"


def _rebuild_in(session, runtime) -> int:
    admin = system_admin(runtime)
    job = request_rebuild_folder(
        session, runtime, admin, "user00000@a.test", "Inbox/Restored", False
    )
    session.flush()
    return job.id


def test_cancelled_restore_stops_without_losing_mail(
    runtime, domain, folder_dir, monkeypatch
):
    job_id = _rebuild(runtime)
    admin = system_admin(runtime)
    # Save progress after every file, and cancel once four are checked.
    original = restore.RestoreProgress.__call__

    def cancelling(self, done: int, total: int) -> None:
        self.saver.interval = 0
        if done == 4:
            with session_scope(runtime.engine) as session:
                cancel_job(session, admin, job_id)
        original(self, done, total)

    monkeypatch.setattr(restore.RestoreProgress, "__call__", cancelling)

    with pytest.raises(JobCancelled):
        run_job_now(runtime, job_id)

    taken = read_folder(folder_dir.parent.parent, "INBOX.Restored")
    waiting = list(folder_dir.glob("*.eml"))
    assert len(taken) + len(waiting) == FILES
    assert counters(runtime, domain, "user00000")[0] == exact_usage(domain, "user00000")
