"""Importing subscribers from CSV: a job that reports the lines it rejects."""

from sqlalchemy import func, select

import plugins.mailing_lists.actors  # noqa: F401  (registers the job bodies)
from core.db import session_scope
from plugins.mailing_lists import subscriber_import
from plugins.mailing_lists.models import MailingList, Subscriber
from plugins.mailing_lists.subscriber_import import request_import
from tests.graphql_client import error_codes
from tests.plugins.mailing_lists.conftest import SYSTEM, make_domain, make_list
from tests.workers.support import request_job, run_job_now, set_job, wait_for_job

IMPORT = """
mutation Import($input: SubscribersImportInput!) {
  importSubscribers(input: $input) { job { id kind } errors { field code } }
}
"""

CSV = (
    "email,name\n"
    "ann@x.example,Ann\n"
    "not an address,Nobody\n"
    "\n"
    "BOB@x.example\n"
    "ann@x.example,Ann again\n"
    "old@x.example\n"
    'cy@x.example,"Cy, the third"\n'
)


def start_import(runtime, text: str) -> int:
    return request_job(
        runtime,
        lambda session: request_import(session, runtime, SYSTEM, "news@a.test", text),
    )


def stored(runtime) -> tuple[dict[str, str], int]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(select(Subscriber.address, Subscriber.display_name))
        kept = session.execute(select(MailingList.subscriber_count)).scalar_one()
        return dict(rows.all()), kept


def test_import_adds_valid_lines_and_reports_rejects(lists_runtime):
    # Given a list with one subscriber
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("old@x.example",))

    # When a CSV with a header, a bad line and repeats is imported
    job = run_job_now(lists_runtime, start_import(lists_runtime, CSV))

    # Then the valid new addresses are in, and the bad line is reported
    assert job.state == "succeeded"
    assert job.result == {
        "added": 3,
        "alreadySubscribed": 2,
        "rejected": 1,
        "rejectedLines": [
            {"line": 3, "text": "not an address,Nobody", "code": "INVALID_ADDRESS"}
        ],
    }
    subscribers, kept = stored(lists_runtime)
    assert subscribers == {
        "old@x.example": "",
        "ann@x.example": "Ann",
        "bob@x.example": "",
        "cy@x.example": "Cy, the third",
    }
    assert kept == 4


def test_redelivered_import_adds_nobody_twice(lists_runtime, monkeypatch):
    # Given an import run in batches of two lines, every batch saved
    monkeypatch.setattr(subscriber_import, "BATCH_LINES", 2)
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")
    text = "".join(f"u{n}@x.example\n" for n in range(5))
    job_id = start_import(lists_runtime, text)
    first = run_job_now(lists_runtime, job_id)

    # When its message comes again, as after a worker died before the job
    # was marked done
    set_job(lists_runtime, job_id, state="running", finished_at=None)
    again = run_job_now(lists_runtime, job_id)

    # Then it carries on after its checkpoint: nothing more to add
    subscribers, kept = stored(lists_runtime)
    assert len(subscribers) == kept == 5
    assert again.result == first.result
    assert first.result["added"] == 5


def test_import_mutation_runs_in_the_background(admin, lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test")

    payload = admin.mutate(
        IMPORT, {"list": "news@a.test", "csv": "a@x.example\nb@x.example\n"}
    )
    empty = admin.mutate(IMPORT, {"list": "news@a.test", "csv": "  \n"})

    assert payload["job"]["kind"] == "import_list_subscribers"
    job = wait_for_job(lists_runtime, int(payload["job"]["id"]))
    assert (job.state, job.result["added"]) == ("succeeded", 2)
    assert error_codes(empty) == ["REQUIRED"]
    with session_scope(lists_runtime.engine, write=False) as session:
        assert session.execute(select(func.count(Subscriber.id))).scalar_one() == 2
