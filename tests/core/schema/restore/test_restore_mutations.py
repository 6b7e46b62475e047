"""attachUser, attachFolder, rebuildFolder, recalculateDiskUsage over the API."""

import mailbox
import time

import pytest

from core.mailstore import create_folder
from tests.core.schema.restore.support import plain, write_eml
from tests.graphql_client import error_codes

ATTACH_USER = """
mutation Attach($input: AttachUserInput!) {
  attachUser(input: $input) {
    job { id kind state }
    errors { field code }
  }
}
"""

ATTACH_FOLDER = """
mutation Attach($input: AttachFolderInput!) {
  attachFolder(input: $input) { job { id kind } errors { field code } }
}
"""

REBUILD_FOLDER = """
mutation Rebuild($input: RebuildFolderInput!) {
  rebuildFolder(input: $input) { job { id kind } errors { field code } }
}
"""

RECALCULATE = """
mutation Recount($input: RecalculateDiskUsageInput!) {
  recalculateDiskUsage(input: $input) { job { id kind } errors { field code } }
}
"""

JOB = """
query Job($id: ID!) {
  job(id: $id) { state result progress { done total } errors { code } }
}
"""

USER = """
query User($email: String!) { user(email: $email) { email diskUsedBytes } }
"""

DOMAIN = """
query Domain($name: String!) { domain(name: $name) { userCount diskUsedBytes } }
"""


def _finished(client, job_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.execute(JOB, {"id": job_id})["job"]
        if job["state"] not in {"QUEUED", "RUNNING"}:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def test_attach_user_returns_job_that_restores_account(admin, domain_dir):
    payload = admin.mutate(ATTACH_USER, {"email": "carol@a.test"})

    assert payload["errors"] == []
    assert payload["job"]["kind"] == "attach_user"
    job = _finished(admin, payload["job"]["id"])
    assert job["state"] == "SUCCEEDED" and job["errors"] == []
    assert job["result"]["indexed"] == 2
    user = admin.execute(USER, {"email": "carol@a.test"})["user"]
    domain = admin.execute(DOMAIN, {"name": "a.test"})["domain"]
    assert user["diskUsedBytes"] == job["result"]["diskUsedBytes"] > 0
    assert domain == {"userCount": 3, "diskUsedBytes": user["diskUsedBytes"]}


def test_rebuild_folder_accepts_backslash_paths(admin, domain_dir):
    folder = create_folder(domain_dir / "alice", "Inbox/Example Folder")
    write_eml(folder, {f"m{n}": plain(f"Message {n}") for n in range(3)})

    payload = admin.mutate(
        REBUILD_FOLDER,
        {"email": "alice@a.test", "folderPath": "Inbox\\Example Folder"},
    )

    job = _finished(admin, payload["job"]["id"])
    assert job["state"] == "SUCCEEDED"
    assert job["progress"] == {"done": 3, "total": 3}
    box = mailbox.Maildir(domain_dir / "alice" / "Maildir", create=False)
    assert len(box.get_folder("INBOX.Example Folder")) == 3


def test_attach_folder_recursive_takes_in_subfolders(admin, domain_dir):
    maildir = domain_dir / "alice" / "Maildir"
    write_eml(maildir / ".Old", {"a": plain("A")})
    write_eml(maildir / ".Old.Older", {"b": plain("B")})

    payload = admin.mutate(
        ATTACH_FOLDER, {"email": "alice@a.test", "folderPath": "Old", "recursive": True}
    )

    job = _finished(admin, payload["job"]["id"])
    assert job["result"]["imported"] == 2
    box = mailbox.Maildir(maildir, create=False)
    assert sorted(box.list_folders()) == ["Old", "Old.Older"]


def test_recalculate_disk_usage_repairs_counters(admin, domain_dir):
    attached = admin.mutate(ATTACH_USER, {"email": "carol@a.test"})
    used = _finished(admin, attached["job"]["id"])["result"]["diskUsedBytes"]

    payload = admin.mutate(RECALCULATE, {"domain": "a.test"})

    job = _finished(admin, payload["job"]["id"])
    assert (job["state"], job["result"]["diskUsedBytes"]) == ("SUCCEEDED", used)


# Every code of each request is covered by the service tests; these show
# that each mutation hands its errors back in the payload, with their field.
@pytest.mark.parametrize(
    ("document", "input", "field", "code"),
    [
        (ATTACH_USER, {"email": "alice@a.test"}, "email", "USER_EXISTS"),
        (ATTACH_USER, {"email": "ghost@a.test"}, "email", "FOLDER_NOT_FOUND"),
        (
            ATTACH_FOLDER,
            {"email": "alice@a.test", "folderPath": "../../b.test"},
            "folderPath",
            "UNSAFE_PATH",
        ),
        (
            REBUILD_FOLDER,
            {"email": "alice@a.test", "folderPath": "Missing"},
            "folderPath",
            "FOLDER_NOT_FOUND",
        ),
        (RECALCULATE, {"domain": "b.test"}, "domain", "DOMAIN_NOT_FOUND"),
    ],
    ids=[
        "user-exists",
        "no-user-folder",
        "folder-dot-dot",
        "missing-folder",
        "recount-unknown-domain",
    ],
)
def test_restore_mutations_refuse_bad_input(
    admin, domain_dir, document, input, field, code
):
    payload = admin.mutate(document, input)

    assert payload["job"] is None
    assert payload["errors"] == [{"field": field, "code": code}]


@pytest.mark.parametrize(
    ("document", "input"),
    [
        (ATTACH_USER, {"email": "carol@a.test"}),
        (ATTACH_FOLDER, {"email": "alice@a.test", "folderPath": "Inbox"}),
        (REBUILD_FOLDER, {"email": "alice@a.test", "folderPath": "Inbox"}),
        (RECALCULATE, {"domain": "a.test"}),
    ],
    ids=["attach-user", "attach-folder", "rebuild-folder", "recalculate"],
)
def test_domain_admin_may_not_restore_own_domain(boss, document, input):
    payload = boss.mutate(document, input)

    assert error_codes(payload) == ["PERMISSION_DENIED"]
    assert payload["job"] is None
