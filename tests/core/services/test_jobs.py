"""Jobs: the state machine, enqueueing after commit, and who sees which job."""

import pytest

from core.db import session_scope
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.pagination import encode_cursor
from core.principal import Principal, Role
from core.services.jobs import (
    JOB_QUEUE,
    JobCancelled,
    cancel_job,
    create_job,
    fail_job,
    finish_job,
    list_jobs,
    require_job,
    save_progress,
    start_job,
)
from core.services.recipients import RecipientGroup, clean_audience
from tests.workers.support import (
    domain_admin,
    make_domain,
    read_job,
    set_job,
    system_admin,
)


class RecordingQueue:
    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def enqueue(self, kind: str, job_id: int) -> None:
        self.sent.append((kind, job_id))


@pytest.fixture
def queue(runtime) -> RecordingQueue:
    runtime.extras[JOB_QUEUE] = RecordingQueue()
    yield runtime.extras[JOB_QUEUE]
    del runtime.extras[JOB_QUEUE]


def _new_job(runtime, principal, kind="export_users") -> int:
    with session_scope(runtime.engine) as session:
        return create_job(session, runtime, principal, kind, {}).id


def test_create_job_records_queued_job_for_owner(runtime, queue):
    admin = system_admin(runtime)

    job_id = _new_job(runtime, admin)

    job = read_job(runtime, job_id)
    assert (job.state, job.kind, job.owner_admin_id) == (
        "queued",
        "export_users",
        admin.system_admin_id,
    )
    assert queue.sent == [("export_users", job_id)]


def test_enqueue_waits_for_the_transaction_to_commit(runtime, queue):
    admin = system_admin(runtime)

    with session_scope(runtime.engine) as session:
        create_job(session, runtime, admin, "export_users", {})
        sent_inside = list(queue.sent)
    with pytest.raises(InvalidInput), session_scope(runtime.engine) as session:
        create_job(session, runtime, admin, "export_users", {})
        raise InvalidInput("abandon")

    assert sent_inside == []
    assert len(queue.sent) == 1


def test_start_job_refuses_a_final_job(runtime, queue):
    job_id = _new_job(runtime, system_admin(runtime))
    set_job(runtime, job_id, state="succeeded")

    assert start_job(runtime.engine, job_id) is None


def test_start_job_resumes_a_running_job(runtime, queue):
    job_id = _new_job(runtime, system_admin(runtime))
    first = start_job(runtime.engine, job_id)

    again = start_job(runtime.engine, job_id)

    assert (again.state, again.attempts) == ("running", 2)
    assert again.started_at == first.started_at


def test_finish_job_keeps_an_earlier_cancellation(runtime, queue):
    admin = system_admin(runtime)
    job_id = _new_job(runtime, admin)
    start_job(runtime.engine, job_id)
    with session_scope(runtime.engine) as session:
        cancel_job(session, admin, job_id)

    finished = finish_job(runtime.engine, job_id, {"rows": 1})

    job = read_job(runtime, job_id)
    assert finished is False
    assert job.state == "cancelled" and job.finished_at is not None


def test_cancel_job_refuses_a_finished_job(runtime, queue):
    admin = system_admin(runtime)
    job_id = _new_job(runtime, admin)
    set_job(runtime, job_id, state="failed")

    with pytest.raises(Conflict) as caught, session_scope(runtime.engine) as session:
        cancel_job(session, admin, job_id)

    assert caught.value.code == "JOB_FINISHED"


def test_save_progress_stops_a_cancelled_job(runtime, queue):
    job_id = _new_job(runtime, system_admin(runtime))
    start_job(runtime.engine, job_id)
    save_progress(runtime.engine, job_id, done=5, total=10)
    set_job(runtime, job_id, state="cancelled")

    with pytest.raises(JobCancelled):
        save_progress(runtime.engine, job_id, done=6)

    assert read_job(runtime, job_id).done == 5


@pytest.mark.parametrize(
    ("error", "code"),
    [(InvalidInput("bad", code="BAD_THING"), "BAD_THING"), (OSError("disk"), None)],
    ids=["service-error", "unexpected"],
)
def test_fail_job_records_the_error_code(runtime, queue, error, code):
    job_id = _new_job(runtime, system_admin(runtime))
    start_job(runtime.engine, job_id)

    fail_job(runtime.engine, job_id, error)

    job = read_job(runtime, job_id)
    assert job.state == "failed"
    assert job.errors[0]["code"] == (code or "INTERNAL_ERROR")
    assert "disk" not in job.errors[0]["message"]


def test_list_jobs_shows_callers_their_own_jobs(runtime, queue):
    a, b = make_domain(runtime, "a.test"), make_domain(runtime, "b.test")
    admin, boss_a, boss_b = (
        system_admin(runtime),
        domain_admin(runtime, a),
        domain_admin(runtime, b),
    )
    mine = _new_job(runtime, boss_a, "send_notification")
    _new_job(runtime, admin)

    with session_scope(runtime.engine, write=False) as session:
        seen = {
            who: [j.id for j in list_jobs(session, p, first=10, after=None).rows]
            for who, p in {"admin": admin, "a": boss_a, "b": boss_b}.items()
        }

    assert len(seen["admin"]) == 2
    assert seen["a"] == [mine]
    assert seen["b"] == []


def test_require_job_hides_another_callers_job(runtime, queue):
    a = make_domain(runtime, "a.test")
    job_id = _new_job(runtime, system_admin(runtime))

    with pytest.raises(NotFound) as caught, session_scope(runtime.engine) as session:
        require_job(session, domain_admin(runtime, a), job_id)

    assert caught.value.code == "JOB_NOT_FOUND"


def test_list_jobs_pages_newest_first(runtime, queue):
    admin = system_admin(runtime)
    ids = [_new_job(runtime, admin) for _ in range(5)]

    with session_scope(runtime.engine, write=False) as session:
        first = list_jobs(session, admin, first=2, after=None)
        cursor = encode_cursor(first.rows[-1].id, first.rows[-1].id)
        second = list_jobs(session, admin, first=10, after=cursor)

    assert [j.id for j in first.rows] == ids[::-1][:2]
    assert [j.id for j in second.rows] == ids[::-1][2:]
    assert (first.total_count, first.has_next_page) == (5, True)


def _key(key_id: int, domain_ids=None) -> Principal:
    return Principal(
        Role.API_KEY,
        f"key{key_id}",
        api_key_id=key_id,
        key_domain_ids=None if domain_ids is None else frozenset(domain_ids),
    )


def test_api_keys_see_the_jobs_they_started(runtime, queue):
    a = make_domain(runtime, "a.test")
    reseller, other = _key(7, [a.id]), _key(8)
    job_id = _new_job(runtime, reseller, "send_notification")

    with session_scope(runtime.engine, write=False) as session:
        seen = {
            who: [j.id for j in list_jobs(session, p, first=10, after=None).rows]
            for who, p in {
                "reseller": reseller,
                "other": other,
                "admin": system_admin(runtime),
            }.items()
        }

    assert read_job(runtime, job_id).owner_api_key_id == 7
    assert seen == {"reseller": [job_id], "other": [], "admin": [job_id]}


@pytest.mark.parametrize(
    ("domains", "group", "allowed"),
    [
        ("a", RecipientGroup.DOMAIN_USERS, True),
        ("a", RecipientGroup.ALL_USERS, False),
        (None, RecipientGroup.ALL_USERS, True),
    ],
    ids=["scoped-own-domain", "scoped-all-users", "server-wide-all-users"],
)
def test_api_keys_send_within_their_reach(runtime, domains, group, allowed):
    a = make_domain(runtime, "a.test")
    key = _key(7, [a.id] if domains else None)

    with session_scope(runtime.engine) as session:
        try:
            clean_audience(session, key, group, "a.test", None)
            outcome = True
        except PermissionDenied:
            outcome = False

    assert outcome is allowed
