"""The key that encrypts two-step secrets: made once, private, shared."""

import os
import stat

import pytest

from plugins.twostep.vault import KEY_FILE, InvalidToken, Vault


def test_key_is_created_private_on_first_use(tmp_path):
    token = Vault(tmp_path).encrypt("secret")

    key = tmp_path / KEY_FILE
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert "secret" not in token
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_existing_key_is_read_not_replaced(tmp_path):
    token = Vault(tmp_path).encrypt("secret")
    before = (tmp_path / KEY_FILE).read_bytes()

    again = Vault(tmp_path)

    assert again.decrypt(token) == "secret"
    assert (tmp_path / KEY_FILE).read_bytes() == before


def test_key_of_another_installation_cannot_decrypt(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    token = Vault(one).encrypt("secret")

    with pytest.raises(InvalidToken):
        Vault(two).decrypt(token)
