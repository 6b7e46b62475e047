"""The key that encrypts bind passwords: made when encrypting, never when
decrypting."""

import stat

import pytest

from plugins.directory import vault


def test_decrypt_without_key_fails_clearly_and_makes_none(tmp_path, caplog):
    # Given a password encrypted under one data folder's key
    one, other = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    other.mkdir()
    token = vault.encrypt(one, "secret")

    # When another folder, with no key, is asked to decrypt it
    with pytest.raises(vault.KeyMissing):
        vault.decrypt(other, token)

    # Then no key appears there, and the missing file is logged
    assert list(other.iterdir()) == []
    assert vault.KEY_FILE in caplog.text


def test_encrypt_makes_a_private_key_and_nothing_else(tmp_path):
    token = vault.encrypt(tmp_path, "secret")

    files = list(tmp_path.iterdir())
    assert files == [tmp_path / vault.KEY_FILE]
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert vault.decrypt(tmp_path, token) == "secret"
