"""Propagations that run as jobs: when, what the job reports, and bad input."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from core.config import load_config
from core.db import session_scope
from core.models import Domain, Job
from core.services.domains import DomainCreate, create_domain
from core.services.jobs import JobCancelled, start_job
from core.services.propagation_jobs import (
    request_domain_propagation,
    run_domain_propagation,
)
from core.services.templates import update_domain_template
from tests.core.schema.templates.conftest import make_domain
from tests.workers.support import (
    read_job,
    run_job_now,
    set_job,
    system_admin,
    wait_for_job,
)

PROPAGATE_DOMAINS = """
mutation Propagate($input: DomainDefaultsPropagateInput!) {
  propagateDomainDefaults(input: $input) {
    domainsChanged
    preview { domain }
    job { id kind state progress { total } }
    errors { field code }
  }
}
"""
PROPAGATE_USERS = """
mutation Propagate($input: UserDefaultsPropagateInput!) {
  propagateUserDefaults(input: $input) {
    usersChanged
    refused { domain }
    job { id kind state progress { total } }
    errors { field code }
  }
}
"""
UPDATE_DOMAINS = """
mutation Update($input: DomainDefaultsUpdateInput!) {
  updateDomainDefaults(input: $input) { errors { code } }
}
"""
UPDATE_USERS = """
mutation Update($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) { errors { code } }
}
"""
AUDIT = """
query {
  auditLog(filter: {action: "propagateUserDefaults"}) {
    nodes { actor targetKind target changes { field after } }
  }
}
"""
JOB = """
query Job($id: ID!) {
  job(id: $id) { state result progress { done total } errors { code } }
}
"""
SERVER = "fakeSync.server"
# sync.<name> is 257 characters: too long for fakeSync.server.
LONG_NAME = ".".join(["a" * 62] * 3 + ["b" * 58]) + ".test"


def _servers(runtime) -> dict[str, str]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(select(Domain.name, Domain.settings)).all()
    read = runtime.registry.read
    return {name: read("domain", stored, "fakeSync").server for name, stored in rows}


def _job_count(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(select(func.count(Job.id))).scalar_one()


def _finished(admin, runtime, payload: dict) -> dict:
    assert payload["errors"] == []
    wait_for_job(runtime, int(payload["job"]["id"]))
    return admin.execute(JOB, {"id": payload["job"]["id"]})["job"]


def _server_template(admin) -> None:
    settings = {"fakeSync": {"server": "sync.%domain%"}}
    assert admin.mutate(UPDATE_DOMAINS, {"settings": settings})["errors"] == []


def _threshold(runtime, rows: int) -> None:
    runtime.config = replace(runtime.config, propagation_job_rows=rows)


def test_run_as_job_changes_domains_in_job(admin, runtime):
    for name in ("a.test", "b.test"):
        make_domain(runtime, name, users=[], accounts=1)
    _server_template(admin)

    payload = admin.mutate(PROPAGATE_DOMAINS, {"settings": [SERVER], "runAsJob": True})
    job = _finished(admin, runtime, payload)

    assert payload["domainsChanged"] == 0
    assert payload["job"]["kind"] == "propagate_domain_defaults"
    assert payload["job"]["progress"] == {"total": 2}
    assert job["state"] == "SUCCEEDED"
    assert job["result"] == {"domainsChanged": 2, "refused": []}
    assert job["progress"] == {"done": 2, "total": 2}
    assert _servers(runtime) == {"a.test": "sync.a.test", "b.test": "sync.b.test"}


@pytest.mark.parametrize(
    ("domains", "as_job"), [(3, True), (1, False)], ids=["over", "under"]
)
def test_domain_count_over_threshold_makes_job(admin, runtime, domains, as_job):
    for n in range(domains):
        make_domain(runtime, f"d{n}.test", users=[], accounts=1)
    _server_template(admin)
    _threshold(runtime, 2)

    payload = admin.mutate(PROPAGATE_DOMAINS, {"settings": [SERVER]})

    assert payload["errors"] == []
    assert (payload["job"] is not None) == as_job
    assert payload["domainsChanged"] == (0 if as_job else domains)
    assert _job_count(runtime) == (1 if as_job else 0)


@pytest.mark.parametrize(
    ("chosen", "as_job"), [(["a.test"], True), (["b.test"], False)], ids=["3", "1"]
)
def test_users_of_chosen_domains_decide_job(admin, runtime, chosen, as_job):
    make_domain(runtime, "a.test", users=["u1", "u2"], accounts=5)
    make_domain(runtime, "b.test", users=[], accounts=5)
    _threshold(runtime, 2)

    payload = admin.mutate(
        PROPAGATE_USERS, {"settings": ["serviceAccess"], "domains": chosen}
    )

    assert payload["errors"] == []
    assert (payload["job"] is not None) == as_job
    if as_job:
        assert payload["job"]["progress"] == {"total": 3}
        assert _finished(admin, runtime, payload)["state"] == "SUCCEEDED"


def test_user_job_reports_refused_domains(admin, runtime):
    make_domain(runtime, "a.test", users=["u1"], accounts=1)
    make_domain(runtime, "b.test", users=["u1"], accounts=5)
    admin.mutate(UPDATE_USERS, {"settings": {"fakeSync": {"enabled": True}}})

    payload = admin.mutate(
        PROPAGATE_USERS, {"settings": ["fakeSync.enabled"], "runAsJob": True}
    )
    job = _finished(admin, runtime, payload)

    assert payload["refused"] == []
    assert job["state"] == "SUCCEEDED"
    assert job["result"]["usersChanged"] == 2
    [refusal] = job["result"]["refused"]
    assert (refusal["domain"], refusal["plugin"]) == ("a.test", "fake_sync")
    assert refusal["message"]


def test_user_job_writes_its_own_audit_entry(admin, runtime):
    make_domain(runtime, "a.test", users=["u1"], accounts=1)
    make_domain(runtime, "b.test", users=["u1"], accounts=5)
    admin.mutate(UPDATE_USERS, {"settings": {"fakeSync": {"enabled": True}}})
    payload = admin.mutate(
        PROPAGATE_USERS, {"settings": ["fakeSync.enabled"], "runAsJob": True}
    )
    _finished(admin, runtime, payload)

    entries = admin.execute(AUDIT)["auditLog"]["nodes"]

    # The job's entry comes after the request's, which queued the job.
    assert [(e["actor"], e["targetKind"], e["target"]) for e in entries] == [
        ("admin", "job", payload["job"]["id"]),
        ("admin", "job", payload["job"]["id"]),
    ]
    changes = {c["field"]: c["after"] for c in entries[0]["changes"]}
    assert (changes["settings"], changes["usersChanged"]) == (["fakeSync.enabled"], 2)
    assert changes["domainsRefused"] == 1


def test_domain_job_reports_core_refusals(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    with session_scope(runtime.engine) as session:
        data = DomainCreate(LONG_NAME, "boss", "pw-123456", hostname="mx.a.test")
        create_domain(session, runtime, data)
    _server_template(admin)

    payload = admin.mutate(PROPAGATE_DOMAINS, {"settings": [SERVER], "runAsJob": True})
    job = _finished(admin, runtime, payload)

    assert job["state"] == "SUCCEEDED"
    assert job["result"]["domainsChanged"] == 1
    [refusal] = job["result"]["refused"]
    assert (refusal["domain"], refusal["plugin"]) == (LONG_NAME, "core")
    assert _servers(runtime)[LONG_NAME] == "sync.example.net"


@pytest.mark.parametrize(
    ("query", "input", "error"),
    [
        (
            PROPAGATE_DOMAINS,
            {"settings": ["limits", "limits.colour"]},
            ("settings.1", "UNKNOWN_SETTING"),
        ),
        (
            PROPAGATE_USERS,
            {"settings": ["serviceAccess.telepathy"]},
            ("settings.0", "UNKNOWN_SETTING"),
        ),
        (
            PROPAGATE_USERS,
            {"settings": ["serviceAccess"], "domains": ["a.test", "nowhere.test"]},
            ("domains.1", "DOMAIN_NOT_FOUND"),
        ),
        (PROPAGATE_DOMAINS, {"settings": []}, ("settings", "REQUIRED")),
    ],
    ids=["domain-path", "user-path", "domain", "no-path"],
)
def test_bad_input_makes_no_job(admin, runtime, query, input, error):
    make_domain(runtime, "a.test", users=[], accounts=1)

    payload = admin.mutate(query, {**input, "runAsJob": True})

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [error]
    assert payload["job"] is None
    assert _job_count(runtime) == 0


def test_domain_admin_may_not_queue_propagation(domain_admin, runtime):
    payload = domain_admin.mutate(
        PROPAGATE_DOMAINS, {"settings": ["limits"], "runAsJob": True}
    )

    assert [e["code"] for e in payload["errors"]] == ["PERMISSION_DENIED"]
    assert _job_count(runtime) == 0


def test_dry_run_stays_in_request(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    _threshold(runtime, 0)

    payload = admin.mutate(
        PROPAGATE_DOMAINS, {"settings": [SERVER], "dryRun": True, "runAsJob": True}
    )

    assert payload["job"] is None
    assert payload["preview"] == [{"domain": "a.test"}]
    assert _job_count(runtime) == 0


def test_run_as_job_false_overrides_threshold(admin, runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    _server_template(admin)
    _threshold(runtime, 0)

    payload = admin.mutate(PROPAGATE_DOMAINS, {"settings": [SERVER], "runAsJob": False})

    assert (payload["job"], payload["domainsChanged"]) == (None, 1)


# The service and the actor, without a broker: the job waits until run.


def _queue_servers(runtime) -> int:
    """Queue a job copying ``fakeSync.server``; no broker runs it."""
    with session_scope(runtime.engine) as session:
        job = request_domain_propagation(
            session, runtime, system_admin(runtime), [SERVER], run_as_job=True
        )
        return job.id


def _set_server_template(runtime, value: str) -> None:
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session,
            runtime,
            system_admin(runtime),
            hostname=None,
            settings={"fakeSync": {"server": value}},
        )


def test_queued_job_changes_nothing_until_run(runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    _set_server_template(runtime, "sync.%domain%")

    job_id = _queue_servers(runtime)
    before = _servers(runtime)
    job = run_job_now(runtime, job_id)

    assert before == {"a.test": "sync.example.net"}
    assert (job.state, job.result) == (
        "succeeded",
        {"domainsChanged": 1, "refused": []},
    )
    assert _servers(runtime) == {"a.test": "sync.a.test"}


def test_job_reads_template_when_it_runs(runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    _set_server_template(runtime, "early.%domain%")

    job_id = _queue_servers(runtime)
    _set_server_template(runtime, "late.%domain%")
    run_job_now(runtime, job_id)

    assert _servers(runtime) == {"a.test": "late.a.test"}


def test_redelivered_job_keeps_its_result(runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    _set_server_template(runtime, "sync.%domain%")
    job_id = _queue_servers(runtime)
    run_job_now(runtime, job_id)

    # As if the worker died after the propagation committed, before success.
    set_job(runtime, job_id, state="running", finished_at=None)
    job = run_job_now(runtime, job_id)

    assert (job.state, job.result) == (
        "succeeded",
        {"domainsChanged": 1, "refused": []},
    )


def test_cancelled_job_rolls_propagation_back(runtime):
    make_domain(runtime, "a.test", users=[], accounts=1)
    _set_server_template(runtime, "sync.%domain%")
    job_id = _queue_servers(runtime)
    job = start_job(runtime.engine, job_id)

    set_job(runtime, job_id, state="cancelled")
    with pytest.raises(JobCancelled):
        run_domain_propagation(runtime, job)

    assert _servers(runtime) == {"a.test": "sync.example.net"}
    assert read_job(runtime, job_id).checkpoint == 0


def test_propagating_transaction_finishes_the_job(runtime):
    # Given a started propagation job
    make_domain(runtime, "a.test", users=[], accounts=1)
    _set_server_template(runtime, "sync.%domain%")
    job_id = _queue_servers(runtime)
    job = start_job(runtime.engine, job_id)

    # When its propagation commits, before the actor records anything
    result = run_domain_propagation(runtime, job)

    # Then the job already succeeded: a cancellation can't fall in between
    finished = read_job(runtime, job_id)
    assert (finished.state, finished.result) == ("succeeded", result)
    assert finished.finished_at is not None
    assert finished.done == finished.total == 1


def test_job_threshold_comes_from_environment():
    assert load_config({}).propagation_job_rows == 20_000
    config = load_config({"MAILPLANE_PROPAGATION_JOB_ROWS": "50"})
    assert config.propagation_job_rows == 50
