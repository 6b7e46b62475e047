from pathlib import Path

import pytest

from core.mailstore import CorruptIndex
from core.mailstore.uidlist import (
    UIDLIST,
    UidList,
    lock_folder,
    read_uidlist,
    write_uidlist,
)

DOVECOT_FILE = (
    "3 V1275660208 N25022 G3085f01b7f11094c501100008c4a11c1\n"
    "25006 :1276528487.M364837P9451.kurkku,S=1355,W=1394\n"
    "25017 W2481 :1276533073.M242911P3632.kurkku,S=2461\n"
)


def test_dovecot_index_round_trips_unchanged(tmp_path: Path) -> None:
    # Given an index as Dovecot writes it, with an extension field
    (tmp_path / UIDLIST).write_text(DOVECOT_FILE)

    # When it is read and written back
    uidlist = read_uidlist(tmp_path)
    assert uidlist is not None
    with lock_folder(tmp_path):
        write_uidlist(tmp_path, uidlist)

    # Then every field survives, byte for byte
    assert uidlist.uid_validity == 1275660208
    assert uidlist.next_uid == 25022
    assert uidlist.uids["1276533073.M242911P3632.kurkku,S=2461"] == 25017
    assert (tmp_path / UIDLIST).read_text() == DOVECOT_FILE


def test_assign_gives_strictly_increasing_uids() -> None:
    # Given an index whose next UID is 7
    uidlist = UidList(uid_validity=1, next_uid=7)

    # When three names get UIDs, one of them twice
    uids = [uidlist.assign(name) for name in ("a", "b", "a", "c")]

    # Then each name keeps its first UID and new names count up
    assert uids == [7, 8, 7, 9]
    assert uidlist.next_uid == 10


def test_cut_last_line_is_ignored_safely(tmp_path: Path) -> None:
    # Given an index whose last line was cut by a crashed appending writer
    (tmp_path / UIDLIST).write_text(DOVECOT_FILE + "25018 :12765")

    # When it is read
    uidlist = read_uidlist(tmp_path)

    # Then the whole entries are kept and the cut one is not
    assert uidlist is not None
    assert list(uidlist.uids.values()) == [25006, 25017]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1 123 45\n",
        "3 Vx N1\n",
        "3 V1 N2\nnot an entry\n",
        b"\xff\xfe".decode("latin-1"),
    ],
    ids=["empty", "version-1", "bad-number", "bad-entry", "not-utf8"],
)
def test_unreadable_index_raises_corrupt_index(tmp_path: Path, text: str) -> None:
    # Given an index file that can't be parsed
    (tmp_path / UIDLIST).write_bytes(text.encode("latin-1"))

    # When it is read
    # Then CorruptIndex is raised instead of an empty index
    with pytest.raises(CorruptIndex):
        read_uidlist(tmp_path)
