"""Domain folders: allowed places, and undoing what a failed change made."""

import pytest

from core.config import Config
from core.db import session_scope
from core.errors import InvalidInput
from core.services import domain_folders


@pytest.fixture
def plain_config(tmp_path) -> Config:
    (tmp_path / "data/domains").mkdir(parents=True)
    return Config(data_dir=tmp_path / "data")


def test_clean_folder_resolves_relative_to_data(plain_config):
    folder = domain_folders.clean_folder(plain_config, "domains/x/../y", "y.com")

    assert folder == (plain_config.data_dir / "domains/y").resolve()


def test_clean_folder_defaults_to_named_folder(plain_config):
    folder = domain_folders.clean_folder(plain_config, None, "y.com")

    assert folder == (plain_config.data_dir / "domains/y.com").resolve()


def test_clean_folder_refuses_symlink_leaving_roots(plain_config, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (plain_config.data_dir / "domains/link").symlink_to(outside)

    with pytest.raises(InvalidInput) as caught:
        domain_folders.clean_folder(plain_config, "domains/link/x.com", "x.com")

    assert caught.value.code == "FOLDER_NOT_ALLOWED"


def test_create_folder_undoes_only_what_it_made(runtime, tmp_path):
    existing = tmp_path / "existing"
    (existing / "keep").mkdir(parents=True)
    new = existing / "new/deeper"

    with pytest.raises(RuntimeError), session_scope(runtime.engine) as session:
        domain_folders.create_folder(session, existing)
        domain_folders.create_folder(session, new)
        (new / "file").write_text("made in the transaction")
        raise RuntimeError("the transaction fails")

    assert (existing / "keep").is_dir()
    assert not (existing / "new").exists()


def test_remove_tree_reports_what_stays(tmp_path, monkeypatch, caplog):
    folder = tmp_path / "old"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub/file").write_text("x")

    def refuse(*_args, **_kwargs):
        raise PermissionError("busy")

    monkeypatch.setattr(domain_folders.os, "unlink", refuse)

    domain_folders.remove_tree(folder)

    assert "Left" in caplog.text
    assert (folder / "sub/file").exists()
