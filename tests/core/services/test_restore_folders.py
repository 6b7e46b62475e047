"""attachFolder and rebuildFolder: folders and .eml files taken in from disk."""

import os
from pathlib import Path

import pytest

from core.errors import MailplaneError
from core.mailstore import create_folder
from core.services.mail_delivery import deliver_to_user
from core.services.restore import request_attach_folder, request_rebuild_folder
from tests.core.schema.restore.support import (
    INVALID_CODES,
    corpus,
    counters,
    domain_admin_of,
    exact_usage,
    invalid,
    plain,
    read_folder,
    uid_index,
    user_id_of,
    write_eml,
)
from tests.workers.support import (
    add_users,
    make_domain,
    request_job,
    run_job_now,
    set_job,
    system_admin,
)

REQUESTS = {"attach": request_attach_folder, "rebuild": request_rebuild_folder}


@pytest.fixture
def domain(runtime):
    domain = make_domain(runtime, "a.test")
    add_users(runtime, domain, 1)
    return domain


@pytest.fixture
def user_dir(runtime, domain) -> Path:
    """user00000 with two messages in Inbox/Example Folder."""
    user_dir = Path(domain.folder) / "user00000"
    deliver_to_user(runtime, user_id_of(runtime, domain, "user00000"), plain())
    create_folder(user_dir, "Inbox/Example Folder")
    user_id = user_id_of(runtime, domain, "user00000")
    for subject in ("One", "Two"):
        deliver_to_user(
            runtime, user_id, plain(subject), folder_path="Inbox/Example Folder"
        )
    return user_dir


def _request(runtime, kind: str, path: str, recursive=False, principal=None) -> int:
    principal = principal or system_admin(runtime)
    return request_job(
        runtime,
        lambda s: REQUESTS[kind](
            s, runtime, principal, "user00000@a.test", path, recursive
        ),
    )


def test_rebuild_folder_takes_in_eml_keeping_uids(runtime, domain, user_dir):
    folder_dir = user_dir / "Maildir" / ".INBOX.Example Folder"
    before = uid_index(folder_dir)
    mail = corpus()
    write_eml(folder_dir, dict(list(mail.items())[:3]))
    write_eml(folder_dir, dict(list(mail.items())[3:]), sub="cur")
    write_eml(folder_dir, invalid())

    job = run_job_now(runtime, _request(runtime, "rebuild", "Inbox\\Example Folder"))

    after = uid_index(folder_dir)
    assert {name: after[name] for name in before} == before
    assert sorted(after.values()) == list(range(1, 8))
    messages = read_folder(user_dir, "INBOX.Example Folder")
    assert set(mail.values()) <= set(messages) and len(messages) == 7
    assert job.result["imported"] == 5
    skipped = {item["path"]: item["code"] for item in job.result["skippedFiles"]}
    assert skipped == {f"{name}.eml": code for name, code in INVALID_CODES.items()}
    assert all((folder_dir / f"{name}.eml").exists() for name in INVALID_CODES)
    used = exact_usage(domain, "user00000", "boss")
    assert counters(runtime, domain, "user00000")[1] == used


def test_two_rebuilds_never_give_one_uid_twice(runtime, domain, user_dir):
    folder_dir = user_dir / "Maildir" / ".INBOX.Example Folder"
    write_eml(folder_dir, {"first": plain("First restore")})
    run_job_now(runtime, _request(runtime, "rebuild", "Inbox/Example Folder"))
    deliver_to_user(
        runtime,
        user_id_of(runtime, domain, "user00000"),
        plain("Arrived between"),
        folder_path="Inbox/Example Folder",
    )
    write_eml(folder_dir, {"second": plain("Second restore")})

    run_job_now(runtime, _request(runtime, "rebuild", "Inbox/Example Folder"))

    uids = list(uid_index(folder_dir).values())
    assert uids == [1, 2, 3, 4, 5]
    assert len(read_folder(user_dir, "INBOX.Example Folder")) == 5


def test_rebuild_job_run_twice_changes_nothing(runtime, domain, user_dir):
    folder_dir = user_dir / "Maildir" / ".INBOX.Example Folder"
    write_eml(folder_dir, corpus())
    job_id = _request(runtime, "rebuild", "Inbox/Example Folder")
    first = run_job_now(runtime, job_id)
    uids = uid_index(folder_dir)

    set_job(runtime, job_id, state="running")
    again = run_job_now(runtime, job_id)

    assert uid_index(folder_dir) == uids
    assert (first.result["imported"], again.result["imported"]) == (5, 0)
    assert again.result["diskUsedBytes"] == first.result["diskUsedBytes"]


def test_recursive_rebuild_reaches_subfolders(runtime, domain, user_dir):
    create_folder(user_dir, "Inbox/Example Folder/Deeper")
    deeper = user_dir / "Maildir" / ".INBOX.Example Folder.Deeper"
    write_eml(deeper, {"deep": plain("Deep")})

    flat = run_job_now(runtime, _request(runtime, "rebuild", "Inbox/Example Folder"))
    deep = run_job_now(
        runtime, _request(runtime, "rebuild", "Inbox/Example Folder", True)
    )

    assert (flat.result["imported"], deep.result["imported"]) == (0, 1)
    assert [f["folderPath"] for f in deep.result["folders"]] == [
        "Inbox/Example Folder",
        "Inbox/Example Folder/Deeper",
    ]


@pytest.mark.parametrize("recursive", [False, True], ids=["flat", "recursive"])
def test_attach_folder_adds_folder_found_on_disk(runtime, domain, user_dir, recursive):
    archive = user_dir / "Maildir" / ".Archive"
    write_eml(archive, {"a": plain("Archived")})
    write_eml(user_dir / "Maildir" / ".Archive.2024", {"b": plain("Older")})

    job = run_job_now(runtime, _request(runtime, "attach", "Archive", recursive))

    assert list(uid_index(archive).values()) == [1]
    assert (archive / "maildirfolder").exists()
    attached_2024 = (user_dir / "Maildir" / ".Archive.2024" / "cur").is_dir()
    assert attached_2024 is recursive
    assert job.result["imported"] == (2 if recursive else 1)
    assert counters(runtime, domain, "user00000")[0] == exact_usage(domain, "user00000")


def _link_out(user_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_eml(outside, {"secret": plain("Secret")})
    os.symlink(outside, user_dir / "Maildir" / ".Linked")


def _plain_dir(user_dir: Path, _tmp_path: Path) -> None:
    write_eml(user_dir / "Maildir" / ".Loose", {"a": plain()})


@pytest.mark.parametrize(
    ("kind", "path", "setup", "code", "field"),
    [
        ("rebuild", "../../etc", None, "UNSAFE_PATH", "folderPath"),
        ("rebuild", "Inbox/../..", None, "UNSAFE_PATH", "folderPath"),
        ("attach", "/etc", None, "UNSAFE_PATH", "folderPath"),
        ("attach", "C:\\Windows", None, "UNSAFE_PATH", "folderPath"),
        ("attach", "Linked", _link_out, "UNSAFE_PATH", "folderPath"),
        ("rebuild", "Nope", None, "FOLDER_NOT_FOUND", "folderPath"),
        ("rebuild", "Loose", _plain_dir, "FOLDER_NOT_FOUND", "folderPath"),
        ("attach", "", None, "INVALID_FOLDER_PATH", "folderPath"),
        ("attach", "Inbox//x", None, "INVALID_FOLDER_PATH", "folderPath"),
    ],
    ids=[
        "dot-dot",
        "dot-dot-after-inbox",
        "absolute",
        "drive-letter",
        "link-out",
        "missing",
        "not-a-maildir",
        "empty",
        "empty-component",
    ],
)
def test_folder_requests_refuse_bad_paths(
    runtime, domain, user_dir, tmp_path, kind, path, setup, code, field
):
    if setup is not None:
        setup(user_dir, tmp_path)

    with pytest.raises(MailplaneError) as caught:
        _request(runtime, kind, path)

    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize("kind", ["attach", "rebuild"])
def test_folder_requests_refuse_unknown_or_foreign_users(
    runtime, domain, user_dir, kind
):
    admin = system_admin(runtime)
    boss = domain_admin_of(domain)
    request = REQUESTS[kind]

    with pytest.raises(MailplaneError) as unknown:
        request_job(
            runtime,
            lambda s: request(s, runtime, admin, "ghost@a.test", "Inbox", False),
        )
    with pytest.raises(MailplaneError) as denied:
        _request(runtime, kind, "Inbox", principal=boss)

    assert (unknown.value.code, unknown.value.field) == ("USER_NOT_FOUND", "email")
    assert denied.value.code == "PERMISSION_DENIED"
