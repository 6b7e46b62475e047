"""Maildir file names: making unique ones and reading what they carry.

A name is ``<seconds>.<unique>.<host>,S=<size>`` with an optional
``:2,<flags>`` info once it sits in cur/. ``<unique>`` is
``M<microseconds>P<pid>Q<counter>`` then ``K<key digest>`` for a delivery
that carries a message key, or ``R<random>`` otherwise. ``S=`` is the file's
size in bytes, so disk usage is summed from names without a stat.
"""

import hashlib
import itertools
import os
import re
import secrets
import socket
import time

INFO_SEPARATOR = ":"
NEW_INFO = ":2,"

_counter = itertools.count(1)
_SIZE = re.compile(r",S=(\d+)")
_KEY = re.compile(r"^\d+\.[^.]*K([0-9a-f]{32})\.")


def clean_hostname(hostname: str) -> str:
    """Return ``hostname`` with the characters a Maildir name reserves escaped."""
    for char in "\\/:,":  # the escape character itself first
        hostname = hostname.replace(char, f"\\{ord(char):03o}")
    return hostname or "localhost"


_HOST = clean_hostname(socket.gethostname())


def new_basename(size: int, message_key: str | None = None) -> str:
    """Return a new unique basename for a message of ``size`` bytes."""
    now = time.time()
    seconds = int(now)
    unique = f"M{int((now - seconds) * 1e6):06d}P{os.getpid()}Q{next(_counter)}"
    if message_key is None:
        unique += f"R{secrets.token_hex(4)}"
    else:
        unique += f"K{digest_key(message_key)}"
    return f"{seconds}.{unique}.{_HOST},S={size}"


def digest_key(message_key: str) -> str:
    """Return the 128-bit digest of a message key that names carry."""
    return hashlib.sha256(message_key.encode()).hexdigest()[:32]


def basename_of(filename: str) -> str:
    """Return ``filename`` without its ``:2,<flags>`` info."""
    return filename.split(INFO_SEPARATOR, 1)[0]


def size_of(filename: str) -> int | None:
    """Return the size a name records with ``,S=``, or None."""
    match = _SIZE.search(basename_of(filename))
    return int(match.group(1)) if match else None


def key_digest_of(basename: str) -> str | None:
    """Return the message key digest a basename carries, or None."""
    match = _KEY.match(basename)
    return match.group(1) if match else None
