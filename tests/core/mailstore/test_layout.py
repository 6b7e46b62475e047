import mailbox
import os
from pathlib import Path

import pytest

from core.mailstore import (
    FolderExists,
    FolderNotFound,
    UnsafePath,
    create_folder,
    deliver,
    list_folders,
    locate_user_dir,
)
from core.mailstore.layout import iter_folders, require_folder


def test_created_folders_are_readable_by_mailbox(user_dir: Path) -> None:
    # Given folders created at several depths
    for path in ("Inbox\\Projects", "Archive", "Archive/2024", "Entwürfe"):
        create_folder(user_dir, path)

    # When Python's mailbox reads the Maildir
    root = mailbox.Maildir(user_dir / "Maildir", create=False)

    # Then it lists each folder under its Maildir++ name and can open it
    assert sorted(root.list_folders()) == [
        "Archive",
        "Archive.2024",
        "Entw&APw-rfe",
        "INBOX.Projects",
    ]
    assert len(root.get_folder("Archive.2024")) == 0
    assert (user_dir / "Maildir" / ".Archive" / "maildirfolder").is_file()


def test_list_folders_returns_client_paths_inbox_first(user_dir: Path) -> None:
    # Given folders created from client paths
    for path in ("Archive/2024", "inbox/Projects", "Archive"):
        create_folder(user_dir, path)

    # When the folders are listed
    folders = list_folders(user_dir)

    # Then they come back as client paths, the Inbox first
    assert folders == ["Inbox", "Archive", "Archive/2024", "Inbox/Projects"]


def test_create_existing_folder_raises_folder_exists(user_dir: Path) -> None:
    # Given an existing folder
    create_folder(user_dir, "Archive")

    # When it is created again, under another spelling of its path
    # Then FolderExists is raised
    with pytest.raises(FolderExists):
        create_folder(user_dir, "Archive")
    with pytest.raises(FolderExists):
        create_folder(user_dir, "INBOX")


def test_missing_folder_raises_folder_not_found(user_dir: Path) -> None:
    # Given a user without an "Archive" folder
    # When the folder is required
    # Then FolderNotFound is raised
    with pytest.raises(FolderNotFound) as caught:
        require_folder(user_dir, "Archive")
    assert caught.value.code == "FOLDER_NOT_FOUND"


@pytest.mark.parametrize(
    "local_part",
    ["..", ".", "", "a/b", "a\\b", ".hidden", "nul\x00"],
    ids=["dotdot", "dot", "empty", "slash", "backslash", "hidden", "nul"],
)
def test_unsafe_local_part_is_refused(domain_dir: Path, local_part: str) -> None:
    # Given a local part that could name something other than a user folder
    # When its user folder is located
    # Then UnsafePath is raised
    with pytest.raises(UnsafePath):
        locate_user_dir(domain_dir, local_part)


def test_user_folder_linked_outside_is_refused(domain_dir: Path, outside: Path) -> None:
    # Given a user folder that is a symbolic link out of the domain folder
    (domain_dir / "mallory").symlink_to(outside)

    # When it is located
    # Then UnsafePath is raised
    with pytest.raises(UnsafePath):
        locate_user_dir(domain_dir, "mallory")


def test_folder_linked_outside_is_refused(user_dir: Path, outside: Path) -> None:
    # Given a folder directory that is a symbolic link out of the store
    (user_dir / "Maildir" / ".Evil").symlink_to(outside)

    # When mail is delivered to it, or the folders are listed
    # Then the delivery is refused and the listing leaves the link out
    with pytest.raises(UnsafePath):
        deliver(user_dir, "Evil", b"From: a@example.com\n\nhi\n")
    assert list_folders(user_dir) == ["Inbox"]
    assert os.listdir(outside) == ["secret.eml"]


def test_maildir_linked_outside_is_refused(domain_dir: Path, outside: Path) -> None:
    # Given a user whose Maildir is a symbolic link out of the store
    user_dir = locate_user_dir(domain_dir, "bob")
    user_dir.mkdir()
    (user_dir / "Maildir").symlink_to(outside)

    # When a folder of it is located, or its folders are iterated
    # Then UnsafePath is raised
    with pytest.raises(UnsafePath):
        require_folder(user_dir, "Inbox")
    with pytest.raises(UnsafePath):
        list(iter_folders(user_dir))


def test_linked_cur_directory_is_refused(user_dir: Path, outside: Path) -> None:
    # Given a folder whose cur/ is a symbolic link out of the store
    folder = create_folder(user_dir, "Archive")
    (folder / "cur").rmdir()
    (folder / "cur").symlink_to(outside)

    # When the folder is required
    # Then UnsafePath is raised
    with pytest.raises(UnsafePath):
        require_folder(user_dir, "Archive")
