"""The key that encrypts service-account passwords of directories.

Passwords are encrypted with Fernet under one key kept in
``<data dir>/directory.key``, created with mode 0600 when a password is
first encrypted, never when one is decrypted. Every server and worker
process of an installation must see the same file. Losing it makes the
stored passwords unreadable: administrators then set them again with
``setDirectoryBindPassword``.
"""

import logging
import os
import tempfile
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

logger = logging.getLogger(__name__)

KEY_FILE = "directory.key"

_cache: dict[Path, Fernet] = {}
# Threads of one process share the cache; the lock keeps two of them from
# reading or creating the key at once.
_lock = threading.Lock()


class KeyMissing(Exception):
    """Raised when decrypting while the key file does not exist."""


def encrypt(data_dir: Path, plain: str) -> str:
    """The encrypted text; creates the key on first use."""
    return _fernet(data_dir, create=True).encrypt(plain.encode()).decode()


def decrypt(data_dir: Path, token: str) -> str:
    """The plain text; raises ``KeyMissing`` without the key file (a new key
    could decrypt nothing), ``InvalidToken`` if it was replaced."""
    return _fernet(data_dir, create=False).decrypt(token.encode()).decode()


def _fernet(data_dir: Path, *, create: bool) -> Fernet:
    path = Path(data_dir) / KEY_FILE
    with _lock:
        fernet = _cache.get(path)
        if fernet is None:
            fernet = _cache[path] = Fernet(_load(path, create=create))
    return fernet


def _load(path: Path, *, create: bool) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        if create:
            return _create(path)
    logger.error(
        "The directory key %s is missing: stored bind passwords can't be "
        "decrypted; restore the file, or set the passwords again.",
        path,
    )
    raise KeyMissing(f"{path} is missing")


def _create(path: Path) -> bytes:
    """Write a new key beside the file, then link it into place.

    The link is atomic and fails if the file appeared meanwhile, so of two
    processes creating the key at once, both end up with the winner's.
    """
    key = Fernet.generate_key()
    # mkstemp makes the draft 0600, under a name no other process picks.
    fd, draft = tempfile.mkstemp(prefix=f".{KEY_FILE}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            os.fsync(handle.fileno())
        os.link(draft, path)
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        os.unlink(draft)
    logger.info("Created the directory key %s.", path)
    return key


__all__ = ["InvalidToken", "KeyMissing", "decrypt", "encrypt"]
