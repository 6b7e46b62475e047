"""The key that encrypts service-account passwords of directories.

Passwords are encrypted with Fernet under one key kept in
``<data dir>/directory.key``, created on first use with mode 0600. Every
server and worker process of an installation must see the same file.
Losing it makes the stored passwords unreadable: administrators then set
them again with ``setDirectoryBindPassword``.
"""

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

logger = logging.getLogger(__name__)

KEY_FILE = "directory.key"

_cache: dict[Path, Fernet] = {}


def encrypt(data_dir: Path, plain: str) -> str:
    return _fernet(data_dir).encrypt(plain.encode()).decode()


def decrypt(data_dir: Path, token: str) -> str:
    """The password; raises ``InvalidToken`` if the key file was replaced."""
    return _fernet(data_dir).decrypt(token.encode()).decode()


def _fernet(data_dir: Path) -> Fernet:
    path = Path(data_dir) / KEY_FILE
    fernet = _cache.get(path)
    if fernet is None:
        fernet = _cache[path] = Fernet(_load_or_create(path))
    return fernet


def _load_or_create(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        return _create(path)


def _create(path: Path) -> bytes:
    """Write a new key beside the file, then link it into place.

    The link is atomic and fails if the file appeared meanwhile, so of two
    processes creating the key at once, both end up with the winner's.
    """
    key = Fernet.generate_key()
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        os.fsync(handle.fileno())
    try:
        os.link(draft, path)
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        draft.unlink()
    logger.info("Created the directory key %s.", path)
    return key


__all__ = ["InvalidToken", "decrypt", "encrypt"]
