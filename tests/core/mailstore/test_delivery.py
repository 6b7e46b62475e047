import mailbox
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from core.mailstore import (
    FolderNotFound,
    NotMail,
    QuotaExceeded,
    SpaceQuota,
    create_folder,
    deliver,
    list_messages,
    locate_user_dir,
)
from core.mailstore import delivery as delivery_module
from core.mailstore.uidlist import read_uidlist


def test_delivered_messages_are_readable_by_mailbox(
    user_dir: Path, valid_mail: list[bytes]
) -> None:
    # Given the valid messages of the corpus
    raws = valid_mail

    # When each is delivered to the Inbox
    delivered = [deliver(user_dir, "Inbox", raw) for raw in raws]

    # Then Python's mailbox reads them back byte for byte, in new/
    inbox = mailbox.Maildir(user_dir / "Maildir", create=False)
    assert sorted(bytes(inbox.get_bytes(key)) for key in inbox.iterkeys()) == sorted(
        raws
    )
    assert all((user_dir / "Maildir" / "new" / d.filename).is_file() for d in delivered)
    assert not os.listdir(user_dir / "Maildir" / "tmp")


def test_delivery_names_carry_size_and_uids_increase(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given an Inbox
    # When three messages are delivered
    delivered = [
        deliver(user_dir, "inbox", make_mail(body=f"{n}\n" * n)) for n in (1, 5, 9)
    ]

    # Then UIDs count up from 1 and each name records the size
    assert [d.uid for d in delivered] == [1, 2, 3]
    for message in delivered:
        assert message.filename.endswith(f",S={message.size}")
        path = user_dir / "Maildir" / "new" / message.filename
        assert path.stat().st_size == message.size


def test_uid_index_is_dovecot_version_three(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a delivered message
    message = deliver(user_dir, "Inbox", make_mail())

    # When the index file is read as text
    lines = (user_dir / "Maildir" / "dovecot-uidlist").read_text().splitlines()

    # Then it has Dovecot's header and one entry line
    version, validity, next_uid, guid = lines[0].split()
    assert (version, next_uid) == ("3", "N2")
    assert validity[0] == "V" and int(validity[1:]) > 0
    assert guid[0] == "G" and len(guid) == 33
    assert lines[1:] == [f"1 :{message.filename}"]


def test_same_message_key_delivers_only_once(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a message delivered with a message key
    first = deliver(user_dir, "Inbox", make_mail(), message_key="job-7:bob")

    # When the same key is delivered again, after the message was read (cur/)
    maildir = user_dir / "Maildir"
    os.rename(
        maildir / "new" / first.filename, maildir / "cur" / f"{first.filename}:2,S"
    )
    again = deliver(user_dir, "Inbox", make_mail(), message_key="job-7:bob")
    other = deliver(user_dir, "Inbox", make_mail(), message_key="job-7:carol")

    # Then the second delivery returns the first and writes nothing
    assert again == first
    assert other.uid == first.uid + 1
    assert len(mailbox.Maildir(user_dir / "Maildir", create=False)) == 2


def test_delivery_cut_short_is_finished_on_redelivery(
    user_dir: Path, monkeypatch: pytest.MonkeyPatch, make_mail: Callable[..., bytes]
) -> None:
    # Given a keyed delivery that crashed after recording its UID
    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(delivery_module.os, "rename", crash)
    with pytest.raises(KeyboardInterrupt):
        deliver(user_dir, "Inbox", make_mail(), message_key="job-1")
    monkeypatch.undo()
    assert len(os.listdir(user_dir / "Maildir" / "tmp")) == 1

    # When the job delivers the same key again
    message = deliver(user_dir, "Inbox", make_mail(), message_key="job-1")

    # Then the staged message is published under its recorded UID, once
    assert message.uid == 1
    assert os.listdir(user_dir / "Maildir" / "new") == [message.filename]
    assert not os.listdir(user_dir / "Maildir" / "tmp")


def test_quota_refusal_writes_nothing_at_all(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a quota with 100 bytes free for the domain
    quota = SpaceQuota(user_free=10_000, domain_free=100)

    # When a larger message is delivered, then one refused by a bare callable
    with pytest.raises(QuotaExceeded) as caught:
        deliver(user_dir, "Inbox", make_mail(), quota=quota)
    with pytest.raises(QuotaExceeded):
        deliver(user_dir, "Inbox", make_mail(), quota=lambda size: False)

    # Then nothing was written and the error says whose space ran out
    assert caught.value.field == "domain"
    assert caught.value.code == "QUOTA_EXCEEDED"
    for sub in ("new", "cur", "tmp"):
        assert not os.listdir(user_dir / "Maildir" / sub)
    assert read_uidlist(user_dir / "Maildir").next_uid == 1


def test_quota_allows_message_that_fits(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a quota with room to spare
    seen: list[int] = []

    def quota(size: int) -> bool:
        seen.append(size)
        return True

    # When a message is delivered
    message = deliver(user_dir, "Inbox", make_mail(), quota=quota)

    # Then the quota was asked about its exact size
    assert seen == [message.size]


def test_first_delivery_creates_new_users_inbox(
    domain_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a user folder without a mail store
    user_dir = locate_user_dir(domain_dir, "newcomer")
    user_dir.mkdir()

    # When a message is delivered to the Inbox
    message = deliver(user_dir, "Inbox", make_mail())

    # Then the Inbox exists and holds it
    assert message.uid == 1
    assert len(mailbox.Maildir(user_dir / "Maildir", create=False)) == 1


def test_delivery_to_missing_folder_is_refused(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a user without an "Archive" folder
    # When a message is delivered there, or empty bytes to the Inbox
    # Then FolderNotFound, then NotMail, is raised
    with pytest.raises(FolderNotFound):
        deliver(user_dir, "Archive", make_mail())
    with pytest.raises(NotMail):
        deliver(user_dir, "Inbox", b"")


def test_concurrent_deliveries_get_unique_uids(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a folder and eight threads
    create_folder(user_dir, "Inbox/Bulk")
    results: list[int] = []

    def send(worker: int) -> None:
        for n in range(25):
            raw = make_mail(body=f"{worker}-{n}\n")
            results.append(deliver(user_dir, "Inbox/Bulk", raw).uid)

    # When they deliver 200 messages at once
    threads = [threading.Thread(target=send, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every message has its own UID, and the index lists them in order
    assert sorted(results) == list(range(1, 201))
    stored = list_messages(user_dir, "Inbox/Bulk")
    assert [m.uid for m in stored] == list(range(1, 201))
    assert len(mailbox.Maildir(user_dir / "Maildir").get_folder("INBOX.Bulk")) == 200
