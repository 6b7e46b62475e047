import mailbox
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from core.mailstore import (
    FolderNotFound,
    UnsafePath,
    attach_folder,
    attach_user,
    create_folder,
    deliver,
    find_unattached_users,
    list_messages,
    locate_user_dir,
    rebuild_folder,
)
from core.mailstore import restore as restore_module
from core.mailstore.uidlist import UIDLIST, read_uidlist

JUNK = {
    "malformed": "MALFORMED_HEADERS",
    "truncated": "TRUNCATED",
    "headers_only": "NO_BODY_SEPARATOR",
    "binary": "BINARY",
    "empty": "EMPTY",
}


def snapshot(directory: Path) -> dict[str, bytes]:
    """Return every file under ``directory`` with its bytes."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def maildir_bytes(path: Path, folder: str | None = None) -> list[bytes]:
    box = mailbox.Maildir(path, create=False)
    box = box.get_folder(folder) if folder else box
    return sorted(bytes(box.get_bytes(key)) for key in box.iterkeys())


@pytest.fixture
def restored_inbox(user_dir: Path, corpus: dict[str, bytes]) -> Path:
    """An Inbox with two delivered messages, then the corpus copied in.

    Two messages go to cur/ and new/, the rest and all junk to the root.
    """
    maildir = user_dir / "Maildir"
    deliver(user_dir, "Inbox", corpus["plain"])
    deliver(user_dir, "Inbox", corpus["attachment"])
    placement = {"plain": "cur", "alternative": "new"}
    for name, raw in corpus.items():
        (maildir / placement.get(name, ".") / f"{name}.eml").write_bytes(raw)
    return maildir


def test_rebuild_takes_in_mail_skips_junk(
    user_dir: Path,
    restored_inbox: Path,
    corpus: dict[str, bytes],
    valid_mail: list[bytes],
) -> None:
    # Given an Inbox with two messages and the corpus copied into it
    before = list_messages(user_dir, "Inbox")

    # When the folder is rebuilt
    report = rebuild_folder(user_dir, "Inbox")

    # Then the four messages are in, under fresh UIDs after the kept ones
    after = list_messages(user_dir, "Inbox")
    assert report.imported == 4
    assert [(m.uid, m.filename) for m in after[:2]] == [
        (m.uid, m.filename) for m in before
    ]
    assert [m.uid for m in after] == [1, 2, 3, 4, 5, 6]
    assert maildir_bytes(restored_inbox) == sorted(
        [corpus["plain"], corpus["attachment"], *valid_mail]
    )

    # And each junk file is reported and left as it was
    assert {(s.path, s.code) for s in report.skipped} == {
        (f"{name}.eml", code) for name, code in JUNK.items()
    }
    for name in JUNK:
        assert (restored_inbox / f"{name}.eml").read_bytes() == corpus[name]


def test_second_rebuild_changes_nothing_on_disk(
    user_dir: Path, restored_inbox: Path
) -> None:
    # Given a folder rebuilt once
    rebuild_folder(user_dir, "Inbox")
    before = snapshot(restored_inbox)

    # When it is rebuilt again
    report = rebuild_folder(user_dir, "Inbox")

    # Then no file changed and the junk is reported again
    assert report.imported == 0
    assert len(report.skipped) == len(JUNK)
    assert snapshot(restored_inbox) == before


def test_rebuild_reports_progress_per_file(
    user_dir: Path, restored_inbox: Path
) -> None:
    # Given a folder with nine .eml files
    calls: list[tuple[int, int]] = []

    # When it is rebuilt with a progress callback
    rebuild_folder(
        user_dir, "Inbox", progress=lambda done, total: calls.append((done, total))
    )

    # Then the callback heard of each file in turn
    assert calls == [(n, 9) for n in range(1, 10)]


def test_rebuild_refuses_missing_or_unsafe_folders(user_dir: Path) -> None:
    # Given a user without an "Archive" folder
    # When a missing folder, or a path out of the store, is rebuilt
    # Then FolderNotFound, then UnsafePath, is raised
    with pytest.raises(FolderNotFound):
        rebuild_folder(user_dir, "Archive")
    with pytest.raises(UnsafePath):
        rebuild_folder(user_dir, "Inbox/../../..")


def test_rebuild_skips_symlinked_eml_file(user_dir: Path, outside: Path) -> None:
    # Given a .eml file that is a link to mail outside the store
    link = user_dir / "Maildir" / "cur" / "link.eml"
    link.symlink_to(outside / "secret.eml")

    # When the folder is rebuilt
    report = rebuild_folder(user_dir, "Inbox")

    # Then the link is reported, left in place, and its target untouched
    assert [(s.path, s.code) for s in report.skipped] == [("cur/link.eml", "SYMLINK")]
    assert link.is_symlink()
    assert os.listdir(outside) == ["secret.eml"]
    assert list_messages(user_dir, "Inbox") == []


def test_crashed_rebuild_loses_no_file(
    user_dir: Path,
    restored_inbox: Path,
    valid_mail: list[bytes],
    corpus: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a rebuild that crashes after moving two of its four files
    real_rename = os.rename
    calls = []

    def crashing_rename(src: Path, dst: Path) -> None:
        calls.append(src)
        if len(calls) > 2:
            raise KeyboardInterrupt
        real_rename(src, dst)

    monkeypatch.setattr(restore_module.os, "rename", crashing_rename)
    with pytest.raises(KeyboardInterrupt):
        rebuild_folder(user_dir, "Inbox")
    monkeypatch.undo()

    # When the rebuild runs again
    report = rebuild_folder(user_dir, "Inbox")

    # Then every message is there once, with UIDs that never repeat
    assert report.imported == 2
    assert maildir_bytes(restored_inbox) == sorted(
        [corpus["plain"], corpus["attachment"], *valid_mail]
    )
    uids = [m.uid for m in list_messages(user_dir, "Inbox")]
    assert uids == sorted(set(uids)) and len(uids) == 6


def test_concurrent_rebuilds_never_share_uids(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given 600 .eml files in a folder (more than one batch)
    folder = create_folder(user_dir, "Inbox/Restored")
    for n in range(600):
        (folder / f"{n:04}.eml").write_bytes(make_mail(subject=f"#{n}"))
    reports = []

    # When two restores run on it at once
    def run() -> None:
        reports.append(rebuild_folder(user_dir, "Inbox/Restored"))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then each file was taken in once, and the UIDs are unique
    assert sum(report.imported for report in reports) == 600
    assert all(not report.skipped for report in reports)
    uids = [m.uid for m in list_messages(user_dir, "Inbox/Restored")]
    assert len(uids) == len(set(uids)) == 600
    assert not list(folder.glob("*.eml"))


def test_recursive_rebuild_covers_subfolders_only(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given .eml files in Inbox/Projects, Inbox/Projects/2024 and Archive
    for path in ("Inbox/Projects", "Inbox/Projects/2024", "Archive"):
        folder = create_folder(user_dir, path)
        (folder / "one.eml").write_bytes(make_mail(subject=path))

    # When Inbox/Projects is rebuilt recursively
    report = rebuild_folder(user_dir, "Inbox\\Projects", recursive=True)

    # Then it and its subfolder took their files, Archive did not
    assert [(f.folder_path, f.imported) for f in report.folders] == [
        ("Inbox/Projects", 1),
        ("Inbox/Projects/2024", 1),
    ]
    assert (user_dir / "Maildir" / ".Archive" / "one.eml").exists()


def test_attach_folder_builds_maildir_from_eml(
    user_dir: Path, valid_mail: list[bytes], make_mail: Callable[..., bytes]
) -> None:
    # Given a directory of .eml files, and a Maildir subfolder without index
    maildir = user_dir / "Maildir"
    (maildir / ".Restored").mkdir()
    for n, raw in enumerate(valid_mail):
        (maildir / ".Restored" / f"{n}.eml").write_bytes(raw)
    old = mailbox.Maildir(maildir / ".Restored.2023", create=True)
    old.add(make_mail(subject="old one"))
    old.add(make_mail(subject="old two"))

    # When the folder is attached recursively
    report = attach_folder(user_dir, "Restored", recursive=True)

    # Then both folders are Maildirs with indexes and counted messages
    counts = [
        (f.folder_path, f.indexed, f.imported, f.messages) for f in report.folders
    ]
    assert counts == [("Restored", 0, 4, 4), ("Restored/2023", 2, 0, 2)]
    assert maildir_bytes(maildir, "Restored") == sorted(valid_mail)
    assert read_uidlist(maildir / ".Restored.2023").next_uid == 3


def test_attach_missing_folder_raises_not_found(user_dir: Path) -> None:
    # Given no "Restored" directory on disk
    # When it is attached
    # Then FolderNotFound is raised
    with pytest.raises(FolderNotFound):
        attach_folder(user_dir, "Restored")


def test_attach_user_indexes_every_folder(
    domain_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a user folder copied from a backup: Maildir++ without indexes
    user_dir = locate_user_dir(domain_dir, "dave")
    user_dir.mkdir()
    root = mailbox.Maildir(user_dir / "Maildir", create=True)
    root.add(make_mail(subject="inbox"))
    for name in ("Sent", "INBOX.Projects"):
        root.add_folder(name).add(make_mail(subject=name))

    # When the user is attached
    report = attach_user(user_dir)

    # Then every folder has an index holding its messages
    assert [(f.folder_path, f.indexed) for f in report.folders] == [
        ("Inbox", 1),
        ("Inbox/Projects", 1),
        ("Sent", 1),
    ]
    assert (user_dir / "Maildir" / ".Sent" / UIDLIST).is_file()


def test_unattached_users_are_found_on_disk(domain_dir: Path, outside: Path) -> None:
    # Given known and unknown user folders, and things that are not users
    for local_part in ("alice", "bob", "erin"):
        create_folder(locate_user_dir(domain_dir, local_part), "Inbox")
    (domain_dir / "carol").mkdir()
    (domain_dir / "linked").symlink_to(outside)
    (domain_dir / "notes.txt").write_text("not a user")

    # When the unknown ones are looked for
    found = find_unattached_users(domain_dir, ["ALICE", "erin"])

    # Then only bob, who has a Maildir, is found
    assert found == ["bob"]
