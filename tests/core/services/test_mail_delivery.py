"""Delivering to a user: the message on disk, the counters, the refusals."""

from pathlib import Path

import pytest

from core.errors import NotFound
from core.mailstore import FolderNotFound, NotMail, QuotaExceeded, create_folder
from core.services.mail_delivery import deliver_to_user
from tests.core.schema.restore.support import (
    MIB,
    corpus,
    counters,
    exact_usage,
    read_folder,
    set_user,
    user_id_of,
)
from tests.workers.support import add_users, make_domain


@pytest.fixture
def domain(runtime):
    domain = make_domain(runtime, "a.test")
    add_users(runtime, domain, 1)
    return domain


@pytest.fixture
def user_id(runtime, domain) -> int:
    return user_id_of(runtime, domain, "user00000")


def test_delivery_stores_message_and_counts_bytes(runtime, domain, user_id):
    messages = corpus()

    for raw in messages.values():
        deliver_to_user(runtime, user_id, raw)

    user_dir = Path(domain.folder) / "user00000"
    assert read_folder(user_dir) == sorted(messages.values())
    size = sum(len(raw) for raw in messages.values())
    assert counters(runtime, domain, "user00000") == (size, size)
    assert exact_usage(domain, "user00000") == size


def test_delivery_into_a_named_folder(runtime, domain, user_id):
    user_dir = Path(domain.folder) / "user00000"
    deliver_to_user(runtime, user_id, corpus()["plain"])
    create_folder(user_dir, "Inbox/Projects")
    raw = corpus()["utf8"]

    delivered = deliver_to_user(runtime, user_id, raw, folder_path="Inbox\\Projects")

    assert delivered.uid == 1
    assert read_folder(user_dir, "INBOX.Projects") == [raw]


def test_keyed_redelivery_counts_bytes_only_once(runtime, domain, user_id):
    raw = corpus()["attachment"]

    first = deliver_to_user(runtime, user_id, raw, message_key="job-1-user-1")
    again = deliver_to_user(runtime, user_id, raw, message_key="job-1-user-1")

    assert again == first and not again.created
    assert counters(runtime, domain, "user00000") == (len(raw), len(raw))
    assert len(read_folder(Path(domain.folder) / "user00000")) == 1


def test_failed_write_gives_back_reserved_bytes(runtime, domain, user_id):
    deliver_to_user(runtime, user_id, corpus()["plain"])
    before = counters(runtime, domain, "user00000")

    with pytest.raises(FolderNotFound):
        deliver_to_user(runtime, user_id, corpus()["plain"], folder_path="Nope")
    with pytest.raises(NotMail):
        deliver_to_user(runtime, user_id, b"")

    assert counters(runtime, domain, "user00000") == before


def test_delivery_to_unknown_user_is_refused(runtime, domain):
    with pytest.raises(NotFound) as caught:
        deliver_to_user(runtime, 999_999, corpus()["plain"])

    assert caught.value.code == "USER_NOT_FOUND"


def test_inbox_cut_short_by_crash_is_completed(runtime, domain, user_id):
    # A crash during a first delivery left Maildir/ without cur/ new/ tmp/.
    (Path(domain.folder) / "user00000" / "Maildir").mkdir()
    raw = corpus()["plain"]

    deliver_to_user(runtime, user_id, raw)

    assert read_folder(Path(domain.folder) / "user00000") == [raw]


def test_message_exactly_filling_the_mailbox_is_accepted(runtime, domain, user_id):
    raw = corpus()["plain"]
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB - len(raw))

    deliver_to_user(runtime, user_id, raw)

    assert counters(runtime, domain, "user00000")[0] == MIB
    with pytest.raises(QuotaExceeded) as caught:
        deliver_to_user(runtime, user_id, b"x")
    assert caught.value.field == "user"
