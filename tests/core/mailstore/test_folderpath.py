import pytest

from core.mailstore.errors import InvalidFolderPath, UnsafePath
from core.mailstore.folderpath import (
    clean_folder_path,
    folder_dirname,
    format_folder_path,
    parse_dirname,
)

MAPPING = [
    ("Inbox", "", "Inbox"),
    ("INBOX", "", "Inbox"),
    ("inbox\\Example Folder", ".INBOX.Example Folder", "Inbox/Example Folder"),
    ("Inbox/Projects", ".INBOX.Projects", "Inbox/Projects"),
    ("Archive", ".Archive", "Archive"),
    ("Archive/2024", ".Archive.2024", "Archive/2024"),
    ("Archive\\2024/Q1", ".Archive.2024.Q1", "Archive/2024/Q1"),
    ("Reports v1.2", ".Reports v1\\2e2", "Reports v1.2"),
    ("~backup", ".\\7ebackup", "~backup"),
    ("Tom & Jerry", ".Tom &- Jerry", "Tom & Jerry"),
    ("Entwürfe", ".Entw&APw-rfe", "Entwürfe"),
    ("日本語", ".&ZeVnLIqe-", "日本語"),
]


@pytest.mark.parametrize(
    ("client", "dirname", "shown"), MAPPING, ids=[row[0] for row in MAPPING]
)
def test_folder_path_maps_both_ways(client: str, dirname: str, shown: str) -> None:
    # Given a client folder path
    # When it is cleaned and mapped to a directory name
    key = clean_folder_path(client)

    # Then the directory name is the documented one and maps back
    assert folder_dirname(key) == dirname
    assert format_folder_path(key) == shown
    if dirname:
        assert parse_dirname(dirname) == key


@pytest.mark.parametrize(
    "path",
    [
        "..",
        "Inbox/../..",
        "Archive\\..\\..\\x",
        "/etc",
        "\\Windows",
        "C:\\x",
        "a\x00b",
        ".",
    ],
    ids=["dotdot", "nested", "backslash", "absolute", "root", "drive", "nul", "dot"],
)
def test_unsafe_folder_path_is_refused(path: str) -> None:
    # Given a folder path that tries to leave the user's folder
    # When it is cleaned
    # Then UnsafePath is raised with its code and field
    with pytest.raises(UnsafePath) as caught:
        clean_folder_path(path)
    assert caught.value.code == "UNSAFE_PATH"
    assert caught.value.field == "folderPath"


@pytest.mark.parametrize(
    "path",
    ["", "Inbox//x", "Archive/", "   ", "tab\there", "x" * 300],
    ids=["empty", "double", "trailing", "blank", "control", "long"],
)
def test_invalid_folder_path_is_refused(path: str) -> None:
    # Given a folder path that is malformed but not dangerous
    # When it is cleaned
    # Then InvalidFolderPath is raised
    with pytest.raises(InvalidFolderPath):
        clean_folder_path(path)


@pytest.mark.parametrize(
    "name",
    [".INBOX", ".inbox.x", ".a..b", ".&Jjo", ".\\2e\\2e", ".&AGE-", "cur", "."],
    ids=[
        "bare-inbox",
        "lower-inbox",
        "empty",
        "open-shift",
        "dotdot",
        "noncanon",
        "plain",
        "dot",
    ],
)
def test_noncanonical_directory_maps_to_nothing(name: str) -> None:
    # Given a directory name no client path maps to
    # When it is parsed
    # Then it holds no folder
    assert parse_dirname(name) is None
