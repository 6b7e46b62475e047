"""Jobs over GraphQL: exports start them, callers see their own, cancelJob."""

from tests.graphql_client import error_codes
from tests.workers.support import set_job, wait_for_job

JOB_FIELDS = """
id kind state progress { done total } createdAt startedAt finishedAt
result downloadUrl errors { field code message }
"""

EXPORT_USERS = (
    f"mutation {{ exportUsersCsv {{ job {{ {JOB_FIELDS} }} errors {{ code }} }} }}"
)
EXPORT_DOMAINS = (
    f"mutation {{ exportDomainsCsv {{ job {{ {JOB_FIELDS} }} errors {{ code }} }} }}"
)
JOBS = f"query {{ jobs(first: 10) {{ totalCount nodes {{ {JOB_FIELDS} }} }} }}"
JOB = f"query Job($id: ID!) {{ job(id: $id) {{ {JOB_FIELDS} }} }}"
JOBS_BY_STATE = (
    'query { jobs(state: SUCCEEDED, kind: "export_domains") { totalCount } }'
)
CANCEL = """
mutation Cancel($input: CancelJobInput!) {
  cancelJob(input: $input) { job { state finishedAt } errors { field code } }
}
"""
NOTIFY = """
mutation Notify($input: SendNotificationInput!) {
  sendNotification(input: $input) { job { id kind state } errors { field code } }
}
"""


def _export(admin, runtime, query=EXPORT_USERS) -> dict:
    payload = next(iter(admin.execute(query).values()))
    assert payload["errors"] == []
    wait_for_job(runtime, int(payload["job"]["id"]))
    return payload["job"]


def test_export_users_csv_returns_a_queued_job(admin, runtime, domain_a):
    payload = admin.execute(EXPORT_USERS)["exportUsersCsv"]

    job = payload["job"]
    assert (job["kind"], job["state"], job["downloadUrl"]) == (
        "export_users",
        "QUEUED",
        None,
    )
    wait_for_job(runtime, int(job["id"]))
    finished = admin.execute(JOB, {"id": job["id"]})["job"]
    assert finished["state"] == "SUCCEEDED"
    assert finished["progress"] == {"done": 4, "total": 4}
    assert finished["result"]["rows"] == 4
    assert finished["downloadUrl"] == f"/downloads/{job['id']}"
    assert finished["startedAt"] and finished["finishedAt"]


def test_exports_are_for_system_administrators(boss):
    for query in (EXPORT_USERS, EXPORT_DOMAINS):
        payload = next(iter(boss.execute(query).values()))

        assert error_codes(payload) == ["PERMISSION_DENIED"]
        assert payload["job"] is None


def test_callers_see_only_their_own_jobs(admin, boss, runtime, domain_a):
    _export(admin, runtime)
    mine = boss.mutate(
        NOTIFY, {"to": "DOMAIN_USERS", "domain": "a.test", "subject": "S", "body": "B"}
    )["job"]

    admin_sees = admin.execute(JOBS)["jobs"]
    boss_sees = boss.execute(JOBS)["jobs"]

    assert admin_sees["totalCount"] == 2
    assert [j["id"] for j in boss_sees["nodes"]] == [mine["id"]]
    assert boss.execute(JOB, {"id": admin_sees["nodes"][1]["id"]})["job"] is None


def test_jobs_filter_by_state_and_kind(admin, runtime, domain_a):
    _export(admin, runtime, EXPORT_DOMAINS)
    _export(admin, runtime)

    assert admin.execute(JOBS_BY_STATE)["jobs"]["totalCount"] == 1


def test_cancel_job_cancels_a_queued_job(admin, runtime, domain_a):
    job = _export(admin, runtime)
    set_job(runtime, int(job["id"]), state="queued")

    payload = admin.mutate(CANCEL, {"id": job["id"]})

    assert payload["errors"] == []
    assert payload["job"]["state"] == "CANCELLED" and payload["job"]["finishedAt"]


def test_cancel_job_refuses_finished_and_foreign_jobs(admin, boss, runtime, domain_a):
    job = _export(admin, runtime)

    finished = admin.mutate(CANCEL, {"id": job["id"]})
    foreign = boss.mutate(CANCEL, {"id": job["id"]})
    nonsense = admin.mutate(CANCEL, {"id": "x"})

    assert error_codes(finished) == ["JOB_FINISHED"]
    assert error_codes(foreign) == error_codes(nonsense) == ["JOB_NOT_FOUND"]


def test_jobs_need_a_logged_in_caller(client):
    body = client.raw(JOBS)

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
