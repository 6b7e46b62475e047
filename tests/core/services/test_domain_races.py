"""Changes of domains at once: one wins, the others get a clean error."""

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from core.db import session_scope
from core.errors import Conflict
from core.models import Domain, User
from core.services.domain_aliases import create_domain_alias
from core.services.domains import (
    DomainCreate,
    _flush_unique,
    change_domain_admin,
    change_domain_path,
    create_domain,
    delete_domain,
    rename_domain,
    require_domain,
    set_domain_status,
    update_domain,
)
from core.services.user_aliases import UserAliasCreate, create_user_alias
from core.services.users import UserCreate, create_user
from tests.core.services.race_support import ROOT, race

PASSWORD = "pw-123456"


@pytest.fixture
def domain(runtime) -> Path:
    """a.test in its default folder, which is returned."""
    with session_scope(runtime.engine) as session:
        row = create_domain(session, runtime, DomainCreate("a.test", "boss", PASSWORD))
    return Path(row.folder)


def _create(runtime, name: str, folder: str):
    def create(session):
        create_domain(
            session, runtime, DomainCreate(name, "boss", PASSWORD, None, folder)
        )

    return create


def _domain_folders(runtime) -> list[str]:
    with session_scope(runtime.engine, write=False) as session:
        return sorted(session.execute(select(Domain.folder)).scalars())


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("domains/x", "domains/x", id="equal"),
        pytest.param("domains/x", "domains/x/inner", id="inside"),
        pytest.param("domains/x/inner", "domains/x", id="around"),
    ],
)
def test_folder_claimed_at_once_goes_to_one(runtime, first, second):
    outcomes = race(
        runtime,
        _create(runtime, "one.test", first),
        _create(runtime, "two.test", second),
    )

    assert outcomes == ["ok", "FOLDER_TAKEN"]
    assert _domain_folders(runtime) == [str(runtime.config.data_dir / first)]


def _rename(runtime, new_name: str):
    def rename(session):
        rename_domain(
            session, runtime, require_domain(session, ROOT, "a.test"), new_name
        )

    return rename


def test_domain_renamed_twice_at_once_renames_once(runtime, domain):
    outcomes = race(runtime, _rename(runtime, "b.test"), _rename(runtime, "c.test"))

    assert outcomes == ["ok", "DOMAIN_NOT_FOUND"]
    assert sorted(p.name for p in domain.parent.iterdir()) == ["b.test"]
    assert _domain_folders(runtime) == [str(domain.with_name("b.test"))]


def test_domain_renamed_to_same_name_at_once_renames_once(runtime, domain):
    outcomes = race(runtime, _rename(runtime, "b.test"), _rename(runtime, "b.test"))

    assert outcomes == ["ok", "DOMAIN_NOT_FOUND"]
    assert sorted(p.name for p in domain.parent.iterdir()) == ["b.test"]


def test_domain_moved_twice_at_once_moves_once(runtime, domain):
    def move(folder: str):
        def change(session):
            row = require_domain(session, ROOT, "a.test")
            change_domain_path(session, runtime, row, folder)

        return change

    outcomes = race(runtime, move("domains/m1"), move("domains/m2"))

    assert outcomes == ["ok", "ok"]
    assert sorted(p.name for p in domain.parent.iterdir()) == ["m2"]
    assert (domain.parent / "m2/boss").is_dir()


def _delete(runtime):
    def delete(session):
        delete_domain(session, runtime, require_domain(session, ROOT, "a.test"), True)

    return delete


def test_domain_deleted_twice_at_once_deletes_once(runtime, domain, caplog):
    caplog.set_level("INFO", logger="core.services.domains")

    outcomes = race(runtime, _delete(runtime), _delete(runtime))

    assert outcomes == ["ok", "DOMAIN_NOT_FOUND"]
    assert not domain.exists()
    assert caplog.messages.count("Deleted domain a.test.") == 1


def test_domain_deleted_while_renamed_is_not_found(runtime, domain):
    outcomes = race(runtime, _rename(runtime, "b.test"), _delete(runtime))

    assert outcomes == ["ok", "DOMAIN_NOT_FOUND"]
    assert _domain_folders(runtime) == [str(domain.with_name("b.test"))]
    assert domain.with_name("b.test").is_dir()


CREATIONS = {
    "user": lambda runtime, session: create_user(
        session, runtime, ROOT, UserCreate("u@a.test", PASSWORD)
    ),
    "user-alias": lambda runtime, session: create_user_alias(
        session, runtime, ROOT, UserAliasCreate("al@a.test", ["boss@a.test"])
    ),
    "domain-alias": lambda runtime, session: create_domain_alias(
        session, runtime, ROOT, "a.test", "b.test"
    ),
}


@pytest.mark.parametrize("create", CREATIONS.values(), ids=CREATIONS.keys())
def test_creation_in_deleted_domain_is_not_found(runtime, domain, create):
    outcomes = race(runtime, _delete(runtime), lambda session: create(runtime, session))

    assert outcomes == ["ok", "DOMAIN_NOT_FOUND"]
    with session_scope(runtime.engine, write=False) as session:
        assert session.execute(select(func.count(User.id))).scalar_one() == 0


def test_delete_files_keeps_folder_holding_other_domain(runtime, domain):
    # Folders set by hand can nest, though no claim through the API can.
    with session_scope(runtime.engine) as session:
        create_domain(session, runtime, DomainCreate("b.test", "boss", PASSWORD))
        session.execute(
            update(Domain)
            .where(Domain.name == "b.test")
            .values(folder=str(domain / "nested"))
        )
    (domain / "nested").mkdir()

    with session_scope(runtime.engine) as session:
        delete_domain(session, runtime, require_domain(session, ROOT, "a.test"), True)

    assert (domain / "nested").is_dir()
    assert _domain_folders(runtime) == [str(domain / "nested")]


@pytest.mark.parametrize(
    ("name", "same_folder", "code"),
    [
        pytest.param("b.test", True, "FOLDER_TAKEN", id="folder"),
        pytest.param("a.test", False, "DOMAIN_EXISTS", id="name"),
    ],
)
def test_unique_clash_tells_folder_from_name(runtime, domain, name, same_folder, code):
    # What a check that missed a parallel claim leaves to the unique columns.
    folder = domain if same_folder else domain.with_name("other")

    with pytest.raises(Conflict) as caught, session_scope(runtime.engine) as session:
        session.add(Domain(name=name, folder=str(folder), settings={}))
        _flush_unique(session, name, folder)

    assert caught.value.code == code


CHANGES = {
    "update": lambda runtime, session, domain: update_domain(
        session,
        runtime,
        ROOT,
        domain,
        hostname="mx.a.test",
        settings={"limits": {"users": 5}},
    ),
    "status": lambda runtime, session, domain: set_domain_status(
        session, domain, "disabled"
    ),
    "admin": lambda runtime, session, domain: change_domain_admin(
        session, runtime, domain, "chief", PASSWORD
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_change_of_a_deleted_domain_is_not_found(runtime, domain, change):
    def changed(session):
        found = require_domain(session, ROOT, "a.test")
        change(runtime, session, found)

    outcomes = race(runtime, _delete(runtime), changed)

    assert outcomes == ["ok", "DOMAIN_NOT_FOUND"]
