"""GET /downloads/<job id>: the export, for the job's owner alone."""

import csv
import io

import pytest

from tests.workers.support import set_job, wait_for_job

EXPORT = "mutation { exportDomainsCsv { job { id } errors { code } } }"


@pytest.fixture
def export_id(admin, runtime, domain_a) -> str:
    job_id = admin.execute(EXPORT)["exportDomainsCsv"]["job"]["id"]
    wait_for_job(runtime, int(job_id))
    return job_id


def _get(client, job_id: str, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.http.get(f"/downloads/{job_id}", headers=headers)


def test_owner_downloads_the_export(admin, export_id):
    response = _get(admin, export_id, admin.token)

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert [row["name"] for row in rows] == ["a.test"]


@pytest.mark.parametrize("caller", ["other_admin", "boss"])
def test_others_get_not_found(request, export_id, caller):
    other = request.getfixturevalue(caller)

    response = _get(other, export_id, other.token)

    assert response.status_code == 404


def test_download_needs_a_valid_token(admin, export_id):
    assert _get(admin, export_id, None).status_code == 401
    assert _get(admin, export_id, "forged").status_code == 401


def test_unfinished_export_is_not_served(admin, runtime, export_id):
    set_job(runtime, int(export_id), state="running")

    assert _get(admin, export_id, admin.token).status_code == 404
