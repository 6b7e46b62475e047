"""The key that encrypts two-step secrets that must be read back.

Authenticator secrets and app passwords are encrypted with Fernet (AES-128
in CBC mode with an HMAC) under one key kept in ``<data dir>/twostep.key``.
The file is created on first use with mode 0600; every server process of
an installation must see the same file (the shared data folder, or a copy).
Losing it makes stored secrets unreadable: users then set up two-step again
and create new app passwords.
"""

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

logger = logging.getLogger(__name__)

KEY_FILE = "twostep.key"

_cache: dict[Path, Fernet] = {}


class Vault:
    """Encrypts and decrypts short secrets with the installation's key."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / KEY_FILE

    def encrypt(self, plain: str) -> str:
        return self._fernet().encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The secret; raises ``InvalidToken`` if the key file was replaced."""
        return self._fernet().decrypt(token.encode()).decode()

    def _fernet(self) -> Fernet:
        fernet = _cache.get(self.path)
        if fernet is None:
            fernet = _cache[self.path] = Fernet(self._load_or_create())
        return fernet

    def _load_or_create(self) -> bytes:
        try:
            return self.path.read_bytes().strip()
        except FileNotFoundError:
            pass
        return self._create()

    def _create(self) -> bytes:
        """Write a new key beside the file, then link it into place.

        The link is atomic and fails if the file appeared meanwhile: of two
        processes creating the key at once, one wins and the other reads
        the winner's complete key.
        """
        key = Fernet.generate_key()
        draft = self.path.with_name(f".{KEY_FILE}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            os.fsync(handle.fileno())
        try:
            os.link(draft, self.path)
        except FileExistsError:
            return self.path.read_bytes().strip()
        finally:
            draft.unlink()
        logger.info("Created the two-step key %s.", self.path)
        return key


__all__ = ["InvalidToken", "Vault"]
