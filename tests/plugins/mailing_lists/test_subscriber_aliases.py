"""A mailbox reached through a domain alias is one subscriber, not two."""

import pytest
from sqlalchemy import select

import plugins.mailing_lists.actors  # noqa: F401  (registers the job bodies)
from core.db import session_scope
from core.errors import Conflict
from plugins.mailing_lists.models import Subscriber
from plugins.mailing_lists.subscriber_import import request_import
from plugins.mailing_lists.subscribers import add_subscriber, remove_subscriber
from tests.plugins.mailing_lists.conftest import (
    SYSTEM,
    add_domain_alias,
    make_domain,
    make_list,
)
from tests.workers.support import request_job, run_job_now


@pytest.fixture
def aliased(lists_runtime):
    """a.test, its alias alias.test, and the list news@a.test."""
    make_domain(lists_runtime, "a.test")
    add_domain_alias(lists_runtime, "a.test", "alias.test")
    make_list(lists_runtime, "news@a.test")
    return lists_runtime


def subscribers(runtime) -> list[str]:
    with session_scope(runtime.engine, write=False) as session:
        return sorted(session.execute(select(Subscriber.address)).scalars())


def add(runtime, email: str) -> None:
    with session_scope(runtime.engine) as session:
        add_subscriber(session, runtime, SYSTEM, "news@a.test", email)


def test_alias_address_is_stored_under_the_domain(aliased):
    add(aliased, "u1@alias.test")

    with pytest.raises(Conflict) as caught:
        add(aliased, "u1@a.test")

    assert caught.value.code == "SUBSCRIBER_EXISTS"
    assert subscribers(aliased) == ["u1@a.test"]


def test_alias_address_unsubscribes_the_mailbox(aliased):
    add(aliased, "u1@a.test")

    with session_scope(aliased.engine) as session:
        remove_subscriber(session, aliased, SYSTEM, "news@a.test", "u1@alias.test")

    assert subscribers(aliased) == []


def test_import_counts_both_forms_once(aliased):
    job_id = request_job(
        aliased,
        lambda session: request_import(
            session, aliased, SYSTEM, "news@a.test", "u1@alias.test\nu1@a.test\n"
        ),
    )

    job = run_job_now(aliased, job_id)

    assert (job.result["added"], job.result["alreadySubscribed"]) == (1, 1)
    assert subscribers(aliased) == ["u1@a.test"]
