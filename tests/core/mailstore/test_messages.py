import os
from collections.abc import Callable
from pathlib import Path

from core.mailstore import deliver, list_messages
from core.mailstore.uidlist import UIDLIST


def test_list_messages_indexes_foreign_deliveries(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given one message delivered here and one dropped in new/ by another program
    ours = deliver(user_dir, "Inbox", make_mail(subject="ours"))
    foreign = make_mail(subject="foreign")
    (user_dir / "Maildir" / "new" / "1800000000.M1P2.other").write_bytes(foreign)

    # When the folder's messages are listed
    messages = list_messages(user_dir, "Inbox")

    # Then ours keeps UID 1 and the foreign one gets the next UID
    assert [(m.uid, m.filename) for m in messages] == [
        (1, ours.filename),
        (2, "1800000000.M1P2.other"),
    ]
    assert messages[1].size == len(foreign)
    assert messages[1].path.read_bytes() == foreign


def test_lost_index_is_rebuilt_in_arrival_order(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a folder with messages whose index was lost
    first = deliver(user_dir, "Inbox", make_mail())
    second = deliver(user_dir, "Inbox", make_mail())
    os.remove(user_dir / "Maildir" / UIDLIST)

    # When the folder's messages are listed
    messages = list_messages(user_dir, "Inbox")

    # Then every message gets a UID again, in arrival order
    assert [m.filename for m in messages] == [first.filename, second.filename]
    assert [m.uid for m in messages] == [1, 2]
