"""Exporting subscribers: inline text for small lists, a downloaded file else."""

import csv
import io

import pytest

import plugins.mailing_lists.actors  # noqa: F401  (registers the job bodies)
from core.db import session_scope
from core.errors import NotFound
from core.services.exports import export_path
from plugins.mailing_lists import subscriber_export
from plugins.mailing_lists.lists import delete_list
from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import (
    PASSWORD,
    SYSTEM,
    make_domain,
    make_list,
)
from tests.workers.support import request_job, run_job_now, wait_for_job

EXPORT_TEXT = """
mutation Export($input: MailingListInput!) {
  exportSubscribers(input: $input) { csv count errors { code } }
}
"""

EXPORT_FILE = """
mutation Export($input: MailingListInput!) {
  exportSubscribersCsv(input: $input) {
    job { id kind downloadUrl } errors { code }
  }
}
"""

JOB = "query Job($id: ID!) { job(id: $id) { state downloadUrl } }"

ADD = """
mutation Add($input: SubscriberAddInput!) {
  addSubscriber(input: $input) { errors { code } }
}
"""


def download(client, url: str):
    return client.http.get(url, headers={"Authorization": f"Bearer {client.token}"})


def export_to_file(client, runtime, list_email: str) -> dict:
    payload = client.mutate(EXPORT_FILE, {"email": list_email})
    wait_for_job(runtime, int(payload["job"]["id"]))
    return client.execute(JOB, {"id": payload["job"]["id"]})["job"]


def test_file_export_is_downloaded_by_its_owner(admin, lists_runtime):
    # Given a list whose subscriber names look like formulas
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("b@x.example",))
    admin.mutate(
        ADD, {"list": "news@a.test", "email": "a@x.example", "displayName": "=Ay"}
    )

    # When the administrator exports it to a file and downloads it
    job = export_to_file(admin, lists_runtime, "news@a.test")
    response = download(admin, job["downloadUrl"])

    # Then the file lists every subscriber by address, formulas neutralised
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert job["state"] == "SUCCEEDED"
    assert response.status_code == 200
    assert "list_subscribers" in response.headers["content-disposition"]
    assert rows[0] == ["email", "displayName", "subscribedAt"]
    assert [row[:2] for row in rows[1:]] == [
        ["a@x.example", "'=Ay"],
        ["b@x.example", ""],
    ]


def test_file_export_of_other_domain_is_refused(client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_domain(lists_runtime, "b.test")
    make_list(lists_runtime, "news@b.test")
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    payload = boss.mutate(EXPORT_FILE, {"email": "news@b.test"})
    missing = boss.mutate(EXPORT_FILE, {"email": "nothing@a.test"})

    assert payload["job"] is None
    assert error_codes(payload) == error_codes(missing) != []


def test_domain_admin_download_is_not_for_others(admin, client, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("b@x.example",))
    boss = client.as_token(client.login("admin@a.test", PASSWORD))

    job = export_to_file(boss, lists_runtime, "news@a.test")

    assert download(boss, job["downloadUrl"]).status_code == 200
    assert download(admin, job["downloadUrl"]).status_code == 404


def test_large_list_is_sent_to_the_file_export(admin, lists_runtime, monkeypatch):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("a@x.example", "b@x.example"))
    monkeypatch.setattr(subscriber_export, "INLINE_MAX_SUBSCRIBERS", 1)

    payload = admin.mutate(EXPORT_TEXT, {"email": "news@a.test"})
    job = export_to_file(admin, lists_runtime, "news@a.test")

    assert (payload["csv"], error_codes(payload)) == (None, ["EXPORT_TOO_LARGE"])
    assert job["state"] == "SUCCEEDED"


def test_list_deleted_before_its_export_fails_job(lists_runtime):
    # Given an export queued for a list (no worker runs here)
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("a@x.example",))
    job_id = request_job(
        lists_runtime,
        lambda session: subscriber_export.request_subscribers_export(
            session, lists_runtime, SYSTEM, "news@a.test"
        ),
    )

    # When the list is deleted before the job runs
    with session_scope(lists_runtime.engine) as session:
        delete_list(session, lists_runtime, SYSTEM, "news@a.test")

    # Then the job fails as not found and writes no file
    with pytest.raises(NotFound):
        run_job_now(lists_runtime, job_id)
    assert not export_path(lists_runtime.config, job_id).exists()
