"""The postmaster of a domain, and the system messages sent from it."""

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path

import pytest

from core.db import session_scope
from core.mailstore import QuotaExceeded
from core.models import Domain
from core.services.domains import update_domain
from core.services.mail_compose import MessageTemplate, clean_mass_mail
from core.services.mail_delivery import deliver_to_user
from core.services.postmaster import PostmasterBook, postmaster_address
from core.services.server_settings import update_server_settings
from core.services.user_aliases import UserAliasCreate, create_user_alias
from core.services.users import UserCreate, create_user
from tests.core.schema.restore.support import (
    MIB,
    plain,
    read_folder,
    set_domain,
    set_user,
    user_id_of,
)
from tests.workers.support import PASSWORD, add_users, make_domain, system_admin

SERVER_POSTMASTER = "hostmaster@example.net"


@pytest.fixture
def domain(runtime) -> Domain:
    """a.test with its primary administrator boss@ and user00000@."""
    domain = make_domain(runtime, "a.test", disk_space_mb=2)
    add_users(runtime, domain, 1)
    return domain


def _postmaster(runtime, domain: Domain) -> str:
    with session_scope(runtime.engine, write=False) as session:
        return postmaster_address(session, runtime, session.get(Domain, domain.id))


def _primary_admin_as_postmaster(runtime, domain: Domain, on: bool) -> None:
    with session_scope(runtime.engine) as session:
        update_domain(
            session,
            runtime,
            system_admin(runtime),
            session.get(Domain, domain.id),
            hostname=None,
            settings={"misc": {"primary_admin_as_postmaster": on}},
        )


def _server_postmaster(runtime, address: str | None) -> None:
    with session_scope(runtime.engine) as session:
        update_server_settings(session, {"postmaster_address": address})


def _add_user(runtime, address: str) -> None:
    with session_scope(runtime.engine) as session:
        create_user(
            session, runtime, system_admin(runtime), UserCreate(address, PASSWORD)
        )


def _add_alias(runtime, address: str, target: str) -> None:
    with session_scope(runtime.engine) as session:
        create_user_alias(
            session, runtime, system_admin(runtime), UserAliasCreate(address, [target])
        )


class TestResolution:
    def test_postmaster_user_wins_over_primary_admin(self, runtime, domain):
        _server_postmaster(runtime, SERVER_POSTMASTER)
        _add_user(runtime, "Postmaster@a.test")

        assert _postmaster(runtime, domain) == "postmaster@a.test"

    def test_postmaster_alias_wins_over_primary_admin(self, runtime, domain):
        _server_postmaster(runtime, SERVER_POSTMASTER)
        _add_alias(runtime, "postmaster@a.test", "boss@a.test")

        assert _postmaster(runtime, domain) == "postmaster@a.test"

    def test_primary_admin_without_postmaster_account(self, runtime, domain):
        _server_postmaster(runtime, SERVER_POSTMASTER)
        _add_alias(runtime, "abuse@a.test", "boss@a.test")

        assert _postmaster(runtime, domain) == "boss@a.test"

    def test_server_address_when_primary_admin_off(self, runtime, domain):
        _primary_admin_as_postmaster(runtime, domain, False)
        _server_postmaster(runtime, SERVER_POSTMASTER)

        assert _postmaster(runtime, domain) == SERVER_POSTMASTER

    def test_server_address_when_domain_has_no_admin(self, runtime, domain):
        set_domain(runtime, domain.id, primary_admin_id=None)
        _server_postmaster(runtime, SERVER_POSTMASTER)

        assert _postmaster(runtime, domain) == SERVER_POSTMASTER

    def test_own_postmaster_address_as_last_resort(self, runtime, domain):
        _primary_admin_as_postmaster(runtime, domain, False)

        assert _postmaster(runtime, domain) == "postmaster@a.test"

    def test_other_domains_postmaster_does_not_count(self, runtime, domain):
        other = make_domain(runtime, "b.test")
        _add_user(runtime, "postmaster@b.test")
        _primary_admin_as_postmaster(runtime, domain, False)

        assert _postmaster(runtime, domain) == "postmaster@a.test"
        assert _postmaster(runtime, other) == "postmaster@b.test"


def _warnings(domain: Domain) -> list[email.message.EmailMessage]:
    raw = read_folder(Path(domain.folder) / "boss")
    parsed = [email.message_from_bytes(m, policy=policy.default) for m in raw]
    return [m for m in parsed if m["Subject"].startswith("Disk space full")]


def _fill_mailbox(runtime, domain: Domain) -> None:
    user_id = user_id_of(runtime, domain, "user00000")
    set_user(runtime, user_id, mailbox_size_mb=1, disk_used_bytes=MIB)
    with pytest.raises(QuotaExceeded):
        deliver_to_user(runtime, user_id, plain())


class TestQuotaWarningSender:
    def test_warning_comes_from_primary_admin_by_default(self, runtime, domain):
        _fill_mailbox(runtime, domain)

        [warning] = _warnings(domain)
        assert warning["From"].addresses[0].addr_spec == "boss@a.test"

    def test_warning_comes_from_server_postmaster(self, runtime, domain):
        _primary_admin_as_postmaster(runtime, domain, False)
        _server_postmaster(runtime, SERVER_POSTMASTER)

        _fill_mailbox(runtime, domain)

        [warning] = _warnings(domain)
        assert warning["From"].addresses[0].addr_spec == SERVER_POSTMASTER

    def test_warning_comes_from_postmaster_account(self, runtime, domain):
        _add_alias(runtime, "postmaster@a.test", "boss@a.test")

        _fill_mailbox(runtime, domain)

        [warning] = _warnings(domain)
        assert warning["From"].addresses[0].addr_spec == "postmaster@a.test"


class TestMassMailSender:
    def _template(self, runtime, sender: str | None) -> MessageTemplate:
        mail = clean_mass_mail(sender, None, "Maintenance", "At noon.", False)
        now = datetime.now(UTC)
        return MessageTemplate(
            mail, date=now, token="t0", postmaster=PostmasterBook(runtime)
        )

    def test_bare_name_is_sent_from_each_domains_postmaster(self, runtime, domain):
        make_domain(runtime, "b.test")
        _primary_admin_as_postmaster(runtime, domain, False)
        template = self._template(runtime, "Operations")

        senders = [template.sender_for(name) for name in ("a.test", "b.test")]

        assert senders == ["postmaster@a.test", "boss@b.test"]
        raw = template.render(1, "user00000@a.test", "User")
        message = email.message_from_bytes(raw, policy=policy.default)
        assert message["From"].addresses[0].addr_spec == "postmaster@a.test"

    def test_given_address_is_kept(self, runtime, domain):
        template = self._template(runtime, "Ops <ops@a.test>")

        assert template.sender_for("a.test") == "ops@a.test"
