"""changeDomainPath: a move that loses no file, whichever step fails."""

import errno
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import Session

from core.services import domain_folders
from tests.core.schema.domains.conftest import PASSWORD
from tests.graphql_client import error_codes

MOVE = """
mutation Move($input: DomainChangePathInput!) {
  changeDomainPath(input: $input) {
    domain { name folder }
    errors { field code message }
  }
}
"""

FOLDER = 'query { domain(name: "example.com") { folder } }'

FILES = {
    "jdoe/cur/1.eml": b"Subject: one\r\n\r\nfirst\r\n",
    "jdoe/new/2.eml": b"Subject: two\r\n\r\nsecond\r\n",
    "ann/cur/3.eml": b"Subject: three\r\n\r\nthird\r\n",
    "domain.json": b'{"kept": true}',
}


@pytest.fixture
def filled(domain, config) -> Path:
    """example.com with mail in its folder; returns that folder."""
    folder = Path(domain["folder"])
    for name, content in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def _target(config) -> Path:
    return (config.data_dir / "domains/moved/example.com").resolve()


def _move(admin, config) -> dict:
    return admin.raw(
        MOVE, {"input": {"name": "example.com", "folder": str(_target(config))}}
    )


def test_change_domain_path_moves_every_file(admin, client, filled, config):
    body = _move(admin, config)

    payload = body["data"]["changeDomainPath"]
    assert payload["errors"] == []
    assert payload["domain"]["folder"] == str(_target(config))
    assert _files(_target(config)) == FILES
    assert not filled.exists()
    assert client.login("jdoe@example.com", PASSWORD)


# Each failure returns what undoes it beyond monkeypatch.


def _fail_copy(monkeypatch):
    def copy_half(source: Path, staging: Path) -> None:
        staging.mkdir(parents=True)
        (staging / "domain.json").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(domain_folders, "copy_tree", copy_half)
    return lambda: None


def _fail_replace(monkeypatch):
    def refuse(_source, _target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", refuse)
    return lambda: None


def _fail_commit(_monkeypatch):
    def refuse(session) -> None:
        # Only the mutation's own transaction carries the request context.
        if "context" in session.info:
            raise RuntimeError("the database went away")

    event.listen(Session, "before_commit", refuse)
    return lambda: event.remove(Session, "before_commit", refuse)


STEPS_BEFORE_COMMIT = [
    pytest.param(_fail_copy, id="copy"),
    pytest.param(_fail_replace, id="replace"),
    pytest.param(_fail_commit, id="commit"),
]


@pytest.mark.parametrize("fail", STEPS_BEFORE_COMMIT)
def test_change_domain_path_failure_keeps_old_folder(
    admin, client, filled, config, monkeypatch, fail
):
    undo = fail(monkeypatch)
    try:
        body = _move(admin, config)
    finally:
        monkeypatch.undo()
        undo()

    assert body["errors"][0]["message"] == "Unexpected error."
    assert admin.execute(FOLDER)["domain"]["folder"] == str(filled)
    assert _files(filled) == FILES
    assert not _target(config).exists()
    assert list(_target(config).parent.glob(".*")) == []
    assert client.login("jdoe@example.com", PASSWORD)
    assert _move(admin, config)["data"]["changeDomainPath"]["errors"] == []
    assert _files(_target(config)) == FILES


def test_change_domain_path_failed_removal_keeps_both(
    admin, client, filled, config, monkeypatch
):
    original = shutil.rmtree

    def refuse_old(path, *args, **kwargs):
        if Path(path) == filled:
            raise OSError(errno.EBUSY, "Device or resource busy")
        return original(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", refuse_old)
    body = _move(admin, config)
    monkeypatch.undo()

    assert body["data"]["changeDomainPath"]["errors"] == []
    assert admin.execute(FOLDER)["domain"]["folder"] == str(_target(config))
    assert _files(_target(config)) == FILES
    assert _files(filled) == FILES
    assert client.login("jdoe@example.com", PASSWORD)


BAD_MOVES = [
    pytest.param("/etc/mail", "FOLDER_NOT_ALLOWED", id="outside-roots"),
    pytest.param("domains/../..", "FOLDER_NOT_ALLOWED", id="escapes"),
    pytest.param("domains/example.com", "UNCHANGED", id="same"),
    pytest.param("domains/example.com/deeper", "FOLDER_NESTED", id="into-itself"),
    pytest.param("domains/other.com", "FOLDER_TAKEN", id="other-domains"),
    pytest.param("domains/other.com/sub", "FOLDER_TAKEN", id="inside-other"),
    pytest.param("domains/busy", "FOLDER_EXISTS", id="exists-on-disk"),
]


@pytest.mark.parametrize(("folder", "code"), BAD_MOVES)
def test_change_domain_path_rejects_bad_folder(
    admin, filled, make_domain, config, snapshot, folder, code
):
    make_domain("other.com", "ann")
    (config.data_dir / "domains/busy").mkdir()
    before = snapshot()

    payload = admin.mutate(MOVE, {"name": "example.com", "folder": folder})

    assert error_codes(payload) == [code]
    assert snapshot() == before


def test_change_domain_path_rejects_folder_containing_other(
    admin, filled, make_domain, snapshot
):
    make_domain("other.com", "ann", folder="domains/group/other.com")
    before = snapshot()

    payload = admin.mutate(MOVE, {"name": "example.com", "folder": "domains/group"})

    assert error_codes(payload) == ["FOLDER_TAKEN"]
    assert snapshot() == before


def test_change_domain_path_rejects_unknown_domain(admin, filled, snapshot):
    before = snapshot()

    payload = admin.mutate(MOVE, {"name": "nowhere.com", "folder": "domains/x"})

    assert error_codes(payload) == ["DOMAIN_NOT_FOUND"]
    assert snapshot() == before


def test_change_domain_path_refuses_domain_admin(domain_admin, snapshot):
    before = snapshot()

    payload = domain_admin.mutate(
        MOVE, {"name": "example.com", "folder": "domains/elsewhere"}
    )

    assert error_codes(payload) == ["PERMISSION_DENIED"]
    assert snapshot() == before
