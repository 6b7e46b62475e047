"""Recounting a domain's disk usage from the mail on disk."""

import shutil
from pathlib import Path

import pytest

from core.errors import MailplaneError
from core.services.disk_usage import recalculate_disk_usage, request_recalculation
from core.services.mail_delivery import deliver_to_user
from tests.core.schema.restore.support import (
    corpus,
    counters,
    domain_admin_of,
    exact_usage,
    set_domain,
    set_user,
    user_id_of,
    write_store,
)
from tests.workers.support import (
    add_users,
    make_domain,
    request_job,
    run_job_now,
    system_admin,
)


@pytest.fixture
def domain(runtime):
    domain = make_domain(runtime, "a.test")
    add_users(runtime, domain, 2)
    for local_part in ("user00000", "user00001"):
        user_id = user_id_of(runtime, domain, local_part)
        for raw in corpus().values():
            deliver_to_user(runtime, user_id, raw)
    return domain


def test_recalculate_sets_counters_from_disk(runtime, domain):
    first = user_id_of(runtime, domain, "user00000")
    set_user(runtime, first, disk_used_bytes=123)
    set_domain(runtime, domain.id, disk_used_bytes=5)
    # Mail that arrived behind the counters' back, and a folder of no user.
    write_store(Path(domain.folder) / "user00001", {"Archive": [corpus()["plain"]]})
    write_store(Path(domain.folder) / "stray", {"": [corpus()["plain"]]})

    report = recalculate_disk_usage(runtime, domain)

    users = ("boss", "user00000", "user00001")
    assert counters(runtime, domain, "user00000")[0] == exact_usage(domain, "user00000")
    assert counters(runtime, domain, "user00001")[0] == exact_usage(domain, "user00001")
    assert counters(runtime, domain, "boss")[1] == exact_usage(domain, *users)
    assert (report.users, report.corrected_users) == (3, 2)
    assert report.unattached_users == ["stray"]
    assert report.domain_bytes == exact_usage(domain, *users)


def test_recalculate_counts_a_missing_domain_folder_as_empty(runtime, domain):
    shutil.rmtree(domain.folder)

    report = recalculate_disk_usage(runtime, domain)

    assert report.domain_bytes == 0
    assert counters(runtime, domain, "user00000") == (0, 0)


def test_recalculation_job_reports_its_figures(runtime, domain):
    set_domain(runtime, domain.id, disk_used_bytes=0)
    admin = system_admin(runtime)

    job = run_job_now(
        runtime,
        request_job(
            runtime, lambda s: request_recalculation(s, runtime, admin, "a.test")
        ),
    )

    total = exact_usage(domain, "boss", "user00000", "user00001")
    assert job.state == "succeeded"
    assert job.result["diskUsedBytes"] == total
    assert (job.result["users"], job.result["unattachedUserCount"]) == (3, 0)
    assert counters(runtime, domain, "boss")[1] == total


@pytest.mark.parametrize(
    ("caller", "name", "code"),
    [
        ("boss", "a.test", "PERMISSION_DENIED"),
        ("admin", "nowhere.test", "DOMAIN_NOT_FOUND"),
        ("admin", "not a domain", "DOMAIN_NOT_FOUND"),
    ],
    ids=["domain-admin", "unknown-domain", "bad-name"],
)
def test_request_recalculation_refuses_bad_requests(
    runtime, domain, caller, name, code
):
    principal = domain_admin_of(domain) if caller == "boss" else system_admin(runtime)

    with pytest.raises(MailplaneError) as caught:
        request_job(
            runtime, lambda s: request_recalculation(s, runtime, principal, name)
        )

    assert caught.value.code == code


def test_deleting_user_lowers_domain_disk_figure(runtime, domain):
    from core.db import session_scope
    from core.services.users import delete_user

    survivors = ("boss", "user00001")

    with session_scope(runtime.engine) as session:
        delete_user(
            session,
            runtime,
            system_admin(runtime),
            "user00000@a.test",
            delete_files=False,
        )

    assert counters(runtime, domain, "boss")[1] == exact_usage(domain, *survivors)
