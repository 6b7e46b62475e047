import os
from collections.abc import Callable
from pathlib import Path

from core.mailstore import (
    create_folder,
    deliver,
    folder_usage,
    locate_user_dir,
    scan_domain_usage,
)


def test_folder_usage_sums_every_folder(
    user_dir: Path, valid_mail: list[bytes]
) -> None:
    # Given messages in the Inbox and in a nested folder
    create_folder(user_dir, "Archive/2024")
    for raw in valid_mail:
        deliver(user_dir, "Inbox", raw)
        deliver(user_dir, "Archive/2024", raw)

    # When the usage is computed
    usage = folder_usage(user_dir)

    # Then it is the bytes of every message
    assert usage == 2 * sum(len(raw) for raw in valid_mail)


def test_usage_stats_names_without_recorded_size(
    user_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a message whose name records no size, dropped by another program
    raw = make_mail(body="x" * 500)
    (user_dir / "Maildir" / "cur" / "1700000000.other.host:2,S").write_bytes(raw)

    # When the usage is computed
    # Then its size comes from the file itself
    assert folder_usage(user_dir) == len(raw)


def test_usage_ignores_tmp_and_symbolic_links(
    user_dir: Path, outside: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given a staged file in tmp/ and links to mail outside the store
    maildir = user_dir / "Maildir"
    (maildir / "tmp" / "1.staged.host,S=99").write_bytes(b"x" * 99)
    (maildir / "new" / "2.linked.host").symlink_to(outside / "secret.eml")
    (maildir / ".Linked").symlink_to(outside)
    message = deliver(user_dir, "Inbox", make_mail())

    # When the usage is computed
    # Then only the delivered message counts
    assert folder_usage(user_dir) == message.size


def test_domain_usage_lists_every_user(
    domain_dir: Path, make_mail: Callable[..., bytes]
) -> None:
    # Given 300 users with up to three messages each, and one without mail
    expected = {}
    for n in range(300):
        user_dir = locate_user_dir(domain_dir, f"user{n}")
        create_folder(user_dir, "Inbox")
        sizes = [deliver(user_dir, "Inbox", make_mail()).size for _ in range(n % 4)]
        expected[f"user{n}"] = sum(sizes)
    os.mkdir(domain_dir / "nomail")
    expected["nomail"] = 0

    # When the domain's usage is scanned
    usage = scan_domain_usage(domain_dir)

    # Then each user has the bytes of its own messages
    assert usage == expected
