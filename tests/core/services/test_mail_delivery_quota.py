"""Full mailboxes and domains: refusals, one warning per crossing, concurrency."""

import email
from concurrent.futures import ThreadPoolExecutor
from email import policy
from pathlib import Path

import pytest

from core.mailstore import QuotaExceeded
from core.services.disk_usage import recalculate_disk_usage
from core.services.mail_delivery import deliver_to_user
from tests.core.schema.restore.support import (
    MIB,
    counters,
    plain,
    read_folder,
    set_domain,
    set_user,
    user_id_of,
)
from tests.workers.support import add_users, make_domain


@pytest.fixture
def domain(runtime):
    domain = make_domain(runtime, "a.test", disk_space_mb=2)
    add_users(runtime, domain, 1)
    return domain


@pytest.fixture
def user_id(runtime, domain) -> int:
    return user_id_of(runtime, domain, "user00000")


def _warnings(domain) -> list[email.message.EmailMessage]:
    messages = read_folder(Path(domain.folder) / "boss")
    parsed = [email.message_from_bytes(raw, policy=policy.default) for raw in messages]
    return [m for m in parsed if m["Subject"].startswith("Disk space full")]


def _refuse(runtime, user_id: int, raw: bytes) -> QuotaExceeded:
    with pytest.raises(QuotaExceeded) as caught:
        deliver_to_user(runtime, user_id, raw)
    return caught.value


def test_full_mailbox_refuses_and_warns_admin_once(runtime, domain, user_id):
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB - 10)

    first = _refuse(runtime, user_id, plain())
    second = _refuse(runtime, user_id, plain("Another"))

    assert (first.code, first.field, second.field) == ("QUOTA_EXCEEDED", "user", "user")
    [warning] = _warnings(domain)
    assert "user00000@a.test" in warning["Subject"]
    assert str(warning["To"]) == "boss@a.test"
    assert warning["Auto-Submitted"] == "auto-generated"
    assert read_folder(Path(domain.folder) / "user00000") == []
    [warning_bytes] = read_folder(Path(domain.folder) / "boss")
    assert counters(runtime, domain, "user00000") == (MIB - 10, len(warning_bytes))


def test_full_domain_refuses_every_user_and_warns_once(runtime, domain, user_id):
    set_domain(runtime, domain.id, disk_used_bytes=2 * MIB - 10)
    boss_id = domain.primary_admin_id

    refused = [_refuse(runtime, uid, plain()) for uid in (user_id, boss_id, user_id)]

    assert {exc.field for exc in refused} == {"domain"}
    [warning] = _warnings(domain)
    assert "a.test" in warning["Subject"] and "mailbox" not in warning["Subject"]


def test_warning_comes_again_after_usage_drops(runtime, domain, user_id):
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB)
    _refuse(runtime, user_id, plain())

    # The counter was wrong: a recount finds the mailbox nearly empty.
    recalculate_disk_usage(runtime, domain)
    deliver_to_user(runtime, user_id, plain("Fits now"))
    set_user(runtime, user_id, disk_used_bytes=MIB)
    _refuse(runtime, user_id, plain())
    _refuse(runtime, user_id, plain())

    assert len(_warnings(domain)) == 2


def test_raised_limit_rearms_warning_on_next_delivery(runtime, domain, user_id):
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB)
    _refuse(runtime, user_id, plain())

    set_user(runtime, user_id, mailbox_size_mb=2)
    deliver_to_user(runtime, user_id, plain("Room again"))
    set_user(runtime, user_id, disk_used_bytes=2 * MIB)
    _refuse(runtime, user_id, plain())

    assert len(_warnings(domain)) == 2


def test_hovering_at_the_limit_warns_only_once(runtime, domain, user_id):
    small, large = plain("Small"), plain("Large", "x" * 5000)
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB - 2 * len(small))

    _refuse(runtime, user_id, large)
    deliver_to_user(runtime, user_id, small)
    _refuse(runtime, user_id, large)

    assert len(_warnings(domain)) == 1


def test_concurrent_deliveries_never_overshoot_limit(runtime, domain, user_id):
    raw = plain("Bulk", "y" * 200_000)
    set_user(runtime, user_id, mailbox_size_mb=1)
    fits = MIB // len(raw)

    def attempt(_n: int) -> bool:
        try:
            deliver_to_user(runtime, user_id, raw)
        except QuotaExceeded:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(3 * fits)))

    assert outcomes.count(True) == fits
    assert len(read_folder(Path(domain.folder) / "user00000")) == fits
    assert counters(runtime, domain, "user00000")[0] == fits * len(raw)
    assert len(_warnings(domain)) == 1


def test_domain_without_admin_refuses_without_warning(runtime, domain, user_id):
    set_domain(runtime, domain.id, primary_admin_id=None)
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB)

    refused = _refuse(runtime, user_id, plain())

    assert refused.field == "user"
    assert _warnings(domain) == []
