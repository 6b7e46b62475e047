"""Lists: creating within the limit, addresses that can't collide, renaming."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import Conflict, LimitReached
from core.models import Domain
from core.services.domains import rename_domain
from core.services.user_aliases import UserAliasCreate, create_user_alias
from core.services.users import UserCreate, create_user
from plugins.mailing_lists.lists import (
    ListCreate,
    create_list,
    delete_list,
    rename_list,
)
from plugins.mailing_lists.models import MailingList, Subscriber
from tests.plugins.mailing_lists.conftest import (
    PASSWORD,
    SYSTEM,
    domain_row,
    make_domain,
    make_list,
)

PARALLEL = 20


def create(runtime, email: str):
    with session_scope(runtime.engine) as session:
        return create_list(session, runtime, SYSTEM, ListCreate(email))


def counts(runtime, name: str) -> tuple[int, int]:
    with session_scope(runtime.engine, write=False) as session:
        domain = session.execute(select(Domain).where(Domain.name == name)).scalar_one()
        real = session.execute(
            select(func.count(MailingList.id)).where(MailingList.domain_id == domain.id)
        ).scalar_one()
    return domain.mailing_list_count, real


def test_parallel_creates_stop_at_max_lists(lists_runtime):
    # Given a domain that may have 5 lists
    make_domain(lists_runtime, "a.test", max_lists=5)

    # When 20 threads create a list each at once
    def attempt(n: int) -> str:
        try:
            create(lists_runtime, f"list{n}@a.test")
        except LimitReached as exc:
            return exc.code
        return "created"

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        outcomes = list(pool.map(attempt, range(PARALLEL)))

    # Then exactly 5 exist, and the kept count says so
    assert outcomes.count("created") == 5
    assert outcomes.count("MAILING_LIST_LIMIT_REACHED") == PARALLEL - 5
    assert counts(lists_runtime, "a.test") == (5, 5)


def test_zero_max_lists_means_unlimited(lists_runtime):
    make_domain(lists_runtime, "a.test")

    for n in range(3):
        create(lists_runtime, f"list{n}@a.test")

    assert counts(lists_runtime, "a.test") == (3, 3)


def test_delete_list_frees_its_place(lists_runtime):
    make_domain(lists_runtime, "a.test", max_lists=1)
    make_list(lists_runtime, "news@a.test", subscribers=("x@b.example",))

    with session_scope(lists_runtime.engine) as session:
        delete_list(session, lists_runtime, SYSTEM, "news@a.test")
    create(lists_runtime, "other@a.test")

    assert counts(lists_runtime, "a.test") == (1, 1)
    with session_scope(lists_runtime.engine, write=False) as session:
        left = session.execute(select(func.count(Subscriber.id))).scalar_one()
    assert left == 0


@pytest.mark.parametrize(
    ("taken_by", "code"),
    [
        ("user", "USER_EXISTS"),
        ("alias", "ALIAS_EXISTS"),
        ("list", "MAILING_LIST_EXISTS"),
    ],
    ids=["user", "alias", "list"],
)
def test_list_address_collides_with_nothing_else(lists_runtime, taken_by, code):
    # Given a.test where "team" is taken by a user, an alias or a list
    make_domain(lists_runtime, "a.test")
    with session_scope(lists_runtime.engine) as session:
        if taken_by == "user":
            create_user(
                session, lists_runtime, SYSTEM, UserCreate("team@a.test", PASSWORD)
            )
        elif taken_by == "alias":
            data = UserAliasCreate("team@a.test", ["user@a.test"])
            create_user_alias(session, lists_runtime, SYSTEM, data)
    if taken_by == "list":
        make_list(lists_runtime, "team@a.test")

    # When a list is created at that address, then it is refused
    with pytest.raises(Conflict) as caught:
        create(lists_runtime, "team@a.test")

    assert caught.value.code == code
    assert counts(lists_runtime, "a.test")[0] == (1 if taken_by == "list" else 0)


def test_user_or_alias_refused_on_list_address(lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "team@a.test")

    with (
        pytest.raises(Conflict) as user_refused,
        session_scope(lists_runtime.engine) as session,
    ):
        create_user(session, lists_runtime, SYSTEM, UserCreate("team@a.test", PASSWORD))
    with (
        pytest.raises(Conflict) as alias_refused,
        session_scope(lists_runtime.engine) as session,
    ):
        data = UserAliasCreate("team@a.test", ["user@a.test"])
        create_user_alias(session, lists_runtime, SYSTEM, data)

    assert user_refused.value.code == alias_refused.value.code == "MAILING_LIST_EXISTS"
    assert domain_row(lists_runtime, "a.test").user_count == 2


def test_command_address_cannot_be_a_list(lists_runtime):
    make_domain(lists_runtime, "a.test", command_address="lists")

    with pytest.raises(Conflict) as caught:
        create(lists_runtime, "lists@a.test")

    assert caught.value.code == "COMMAND_ADDRESS"


def test_rename_list_refuses_a_user_address(lists_runtime):
    make_domain(lists_runtime, "a.test")
    make_list(lists_runtime, "news@a.test", subscribers=("x@b.example",))

    with (
        pytest.raises(Conflict) as caught,
        session_scope(lists_runtime.engine) as session,
    ):
        rename_list(session, lists_runtime, SYSTEM, "news@a.test", "user")
    with session_scope(lists_runtime.engine) as session:
        row, _domain = rename_list(
            session, lists_runtime, SYSTEM, "news@a.test", "Letters"
        )

    assert caught.value.code == "USER_EXISTS"
    assert (row.local_part, row.subscriber_count) == ("letters", 1)


def test_domain_rename_carries_subscribers_along(lists_runtime):
    # Given a list of b.test with subscribers and a moderator on a.test
    domain = make_domain(lists_runtime, "a.test")
    make_domain(lists_runtime, "b.test")
    make_list(
        lists_runtime,
        "news@b.test",
        moderators=("admin@a.test",),
        subscribers=("user@a.test", "x@c.example"),
    )

    # When a.test becomes z.test
    with session_scope(lists_runtime.engine) as session:
        rename_domain(session, lists_runtime, session.merge(domain), "z.test")

    # Then the stored addresses follow
    with session_scope(lists_runtime.engine, write=False) as session:
        addresses = set(session.execute(select(Subscriber.address)).scalars())
        moderators = session.execute(select(MailingList.moderators)).scalar_one()
    assert addresses == {"user@z.test", "x@c.example"}
    assert moderators == ["admin@z.test"]
