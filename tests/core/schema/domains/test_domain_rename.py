"""renameDomain: addresses, hostname and folder follow; the old name is free."""

import pytest
from sqlmodel import select

from core.db import session_scope
from core.models import Domain, User, UserAlias
from tests.core.schema.domains.conftest import PASSWORD
from tests.graphql_client import error_codes

RENAME = """
mutation Rename($input: DomainRenameInput!) {
  renameDomain(input: $input) {
    domain { name hostname folder primaryAdmin }
    errors { field code message }
  }
}
"""

MESSAGE = b"Subject: hi\r\n\r\nbody\r\n"


def test_rename_domain_moves_addresses_and_folder(admin, client, domain, config):
    mail = config.data_dir / "domains/example.com/jdoe/cur/1.eml"
    mail.parent.mkdir(parents=True)
    mail.write_bytes(MESSAGE)

    payload = admin.mutate(RENAME, {"name": "example.com", "newName": "Example.ORG"})

    assert payload["errors"] == []
    renamed = payload["domain"]
    new_folder = (config.data_dir / "domains/example.org").resolve()
    assert renamed == {
        "name": "example.org",
        "hostname": "mail.example.org",
        "folder": str(new_folder),
        "primaryAdmin": "jdoe@example.org",
    }
    assert (new_folder / "jdoe/cur/1.eml").read_bytes() == MESSAGE
    assert not (config.data_dir / "domains/example.com").exists()
    assert client.login("jdoe@example.org", PASSWORD)


def test_rename_domain_frees_old_name(admin, domain, make_domain, config):
    admin.mutate(RENAME, {"name": "example.com", "newName": "example.org"})

    again = make_domain("example.com", "ann")

    assert again["folder"] == str((config.data_dir / "domains/example.com").resolve())
    assert (config.data_dir / "domains/example.com/ann").is_dir()


def test_rename_domain_rewrites_stored_addresses(admin, runtime, domain, make_domain):
    make_domain("other.com", "ann")
    with session_scope(runtime.engine) as session:
        other = session.exec(select(Domain).where(Domain.name == "other.com")).one()
        session.add(
            UserAlias(
                domain_id=other.id,
                local_part="team",
                targets=["jdoe@example.com", "ann@other.com", "x@sub.example.com"],
            )
        )
        ann = session.exec(select(User).where(User.domain_id == other.id)).one()
        ann.forwarding = {"allowed": True, "addresses": ["JDOE@example.com"]}
        session.add(ann)

    admin.mutate(RENAME, {"name": "example.com", "newName": "example.org"})

    with session_scope(runtime.engine, write=False) as session:
        alias = session.exec(select(UserAlias)).one()
        ann = session.exec(select(User).where(User.local_part == "ann")).one()
    assert alias.targets == ["jdoe@example.org", "ann@other.com", "x@sub.example.com"]
    assert ann.forwarding["addresses"] == ["JDOE@example.org"]


def test_rename_domain_keeps_custom_folder_in_place(admin, make_domain, config):
    make_domain(folder="domains/custom-place")

    payload = admin.mutate(RENAME, {"name": "example.com", "newName": "example.org"})

    assert payload["domain"]["folder"] == str(
        (config.data_dir / "domains/custom-place").resolve()
    )


BAD_RENAMES = [
    pytest.param({"newName": "bad name"}, "INVALID_DOMAIN", id="bad-name"),
    pytest.param({"newName": "a/b.com"}, "INVALID_DOMAIN", id="path"),
    pytest.param({"newName": "x" * 64 + ".com"}, "INVALID_DOMAIN", id="long-label"),
    pytest.param({"newName": "EXAMPLE.com"}, "UNCHANGED", id="same"),
    pytest.param({"newName": "other.com"}, "DOMAIN_EXISTS", id="taken"),
    pytest.param(
        {"name": "nowhere.com", "newName": "x.com"}, "DOMAIN_NOT_FOUND", id="unknown"
    ),
]


@pytest.mark.parametrize(("changes", "code"), BAD_RENAMES)
def test_rename_domain_rejects_bad_input(
    admin, domain, make_domain, snapshot, changes, code
):
    make_domain("other.com", "ann")
    before = snapshot()

    payload = admin.mutate(RENAME, {"name": "example.com"} | changes)

    assert error_codes(payload) == [code]
    assert snapshot() == before


def test_rename_domain_refuses_existing_target_folder(admin, domain, config, snapshot):
    (config.data_dir / "domains/example.org").mkdir()
    before = snapshot()

    payload = admin.mutate(RENAME, {"name": "example.com", "newName": "example.org"})

    assert error_codes(payload) == ["FOLDER_EXISTS"]
    assert snapshot() == before


def test_rename_domain_refuses_domain_admin(domain_admin, snapshot):
    before = snapshot()

    payload = domain_admin.mutate(
        RENAME, {"name": "example.com", "newName": "example.org"}
    )

    assert error_codes(payload) == ["PERMISSION_DENIED"]
    assert snapshot() == before
