"""attachUser: a user folder found on disk becomes a user again, with its mail."""

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import MailplaneError
from core.models import Domain, User
from core.passwords import verify_password
from core.services.restore import request_attach_user
from tests.core.schema.restore.support import (
    INVALID_CODES,
    corpus,
    counters,
    domain_admin_of,
    exact_usage,
    invalid,
    read_folder,
    uid_index,
    write_eml,
    write_store,
)
from tests.workers.support import (
    make_domain,
    request_job,
    run_job_now,
    set_job,
    system_admin,
)


@pytest.fixture
def domain(runtime):
    return make_domain(runtime, "a.test")


@pytest.fixture
def carol(domain) -> tuple[Path, dict]:
    """carol's folder as a backup left it: three folders, .eml files, junk."""
    mail = corpus()
    user_dir = Path(domain.folder) / "carol"
    write_store(
        user_dir,
        {
            "": [mail["plain"], mail["utf8"]],
            "INBOX.Projects": [mail["attachment"]],
            "Archive": [mail["alternative"]],
        },
    )
    write_eml(user_dir / "Maildir" / ".Archive", {"restored": mail["encoded"]})
    write_eml(user_dir / "Maildir", invalid())
    return user_dir, mail


def _attach(runtime, email: str, principal=None) -> int:
    principal = principal or system_admin(runtime)
    return request_job(
        runtime, lambda s: request_attach_user(s, runtime, principal, email)
    )


def _user(runtime, domain: Domain, local_part: str) -> User | None:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(
            select(User).where(
                User.domain_id == domain.id, User.local_part == local_part
            )
        ).scalar_one_or_none()


def test_attach_user_restores_account_with_its_mail(runtime, domain, carol):
    user_dir, mail = carol

    job = run_job_now(runtime, _attach(runtime, "Carol@A.test"))

    assert job.state == "succeeded"
    assert read_folder(user_dir) == sorted([mail["plain"], mail["utf8"]])
    assert read_folder(user_dir, "INBOX.Projects") == [mail["attachment"]]
    assert read_folder(user_dir, "Archive") == sorted(
        [mail["alternative"], mail["encoded"]]
    )
    assert sorted(uid_index(user_dir / "Maildir").values()) == [1, 2]
    assert sorted(uid_index(user_dir / "Maildir" / ".Archive").values()) == [1, 2]
    assert (job.result["imported"], job.result["indexed"]) == (1, 4)
    skipped = {item["path"]: item["code"] for item in job.result["skippedFiles"]}
    assert skipped == {f"{name}.eml": code for name, code in INVALID_CODES.items()}
    assert (job.done, job.total) == (6, 6)


def test_attached_user_counts_exact_disk_usage(runtime, domain, carol):
    run_job_now(runtime, _attach(runtime, "carol@a.test"))

    used = exact_usage(domain, "carol")
    assert used > 0
    assert counters(runtime, domain, "carol") == (used, used)


def test_attached_user_cannot_log_in_until_reset(runtime, domain, carol):
    run_job_now(runtime, _attach(runtime, "carol@a.test"))

    user = _user(runtime, domain, "carol")
    assert not verify_password(user.password_hash, "")
    assert not verify_password(user.password_hash, user.password_hash)
    with session_scope(runtime.engine, write=False) as session:
        assert session.get(Domain, domain.id).user_count == 2


def test_attach_user_job_run_twice_changes_nothing(runtime, domain, carol):
    user_dir, _ = carol
    job_id = _attach(runtime, "carol@a.test")
    first = run_job_now(runtime, job_id)
    uids = uid_index(user_dir / "Maildir" / ".Archive")

    set_job(runtime, job_id, state="running")
    again = run_job_now(runtime, job_id)

    assert uid_index(user_dir / "Maildir" / ".Archive") == uids
    assert (again.result["imported"], again.result["indexed"]) == (0, 0)
    assert again.result["diskUsedBytes"] == first.result["diskUsedBytes"]
    assert counters(runtime, domain, "carol")[1] == exact_usage(domain, "carol")


def _symlink_outside(domain: Domain, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    write_store(outside, {"": [corpus()["plain"]]})
    os.symlink(outside, Path(domain.folder) / "linked")


@pytest.mark.parametrize(
    ("email", "setup", "code"),
    [
        ("boss@a.test", None, "USER_EXISTS"),
        ("ghost@a.test", None, "FOLDER_NOT_FOUND"),
        ("empty@a.test", "empty", "FOLDER_NOT_FOUND"),
        ("dave@a.test", "upper", "FOLDER_NOT_FOUND"),
        ("linked@a.test", "symlink", "UNSAFE_PATH"),
        ("carol@nowhere.test", None, "DOMAIN_NOT_FOUND"),
        ("not an address", None, "INVALID_ADDRESS"),
        ("../carol@a.test", None, "INVALID_ADDRESS"),
        ("carol@a.test", "full", "USER_LIMIT_REACHED"),
    ],
    ids=[
        "already-a-user",
        "no-folder",
        "folder-without-maildir",
        "folder-in-other-case",
        "link-out-of-domain",
        "unknown-domain",
        "bad-address",
        "dot-dot",
        "user-limit",
    ],
)
def test_attach_user_refuses_bad_requests(
    runtime, domain, carol, tmp_path, email, setup, code
):
    if setup == "empty":
        (Path(domain.folder) / "empty").mkdir()
    elif setup == "upper":
        write_store(Path(domain.folder) / "Dave", {"": [corpus()["plain"]]})
    elif setup == "symlink":
        _symlink_outside(domain, tmp_path)
    elif setup == "full":
        with session_scope(runtime.engine) as session:
            row = session.get(Domain, domain.id)
            row.settings = {**row.settings, "limits": {"users": 1}}

    with pytest.raises(MailplaneError) as caught:
        _attach(runtime, email)

    assert caught.value.code == code
    assert _user(runtime, domain, "carol") is None


def test_only_system_admin_may_attach_users(runtime, domain, carol):
    with pytest.raises(MailplaneError) as caught:
        _attach(runtime, "carol@a.test", domain_admin_of(domain))

    assert caught.value.code == "PERMISSION_DENIED"
    assert _user(runtime, domain, "carol") is None
