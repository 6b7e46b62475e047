"""Client folder paths and the Maildir++ directory names that hold them.

A client names a folder by a path such as ``Inbox\\Example Folder`` or
``Archive/2024``: ``\\`` and ``/`` both separate components, and the first
component is ``Inbox`` in any letter case. The mapping to a directory under
the user's ``Maildir/`` is one to one:

========================  ===================================
client path               directory under ``Maildir/``
========================  ===================================
``Inbox``                 ``Maildir`` itself (the root)
``Inbox/Projects``        ``.INBOX.Projects``
``Archive``               ``.Archive``
``Archive/2024``          ``.Archive.2024``
``Reports v1.2``          ``.Reports v1\\2e2``
``Entwürfe``              ``.Entw&APw-rfe``
========================  ===================================

Each component is written in IMAP modified UTF-7, as Dovecot does for its
Maildir++ layout, then ``.`` (the on-disk separator) becomes ``\\2e`` and a
leading ``~`` becomes ``\\7e``, as Dovecot's listescape plugin writes them.
``\\`` never needs escaping: it separates components in client paths, so no
component holds one. Components are joined with ``.`` behind a leading ``.``,
so ``mailbox.Maildir(root).list_folders()`` lists them (as ``INBOX.Projects``)
and Dovecot's default layout reads them. Only the canonical spelling of a
directory name maps back to a client path; anything else is ignored.
"""

import re

from core.mailstore.errors import InvalidFolderPath, UnsafePath
from core.mailstore.mutf7 import decode_mutf7, encode_mutf7

INBOX = "INBOX"
INBOX_LABEL = "Inbox"
FIELD = "folderPath"
MAX_NAME_BYTES = 255

FolderKey = tuple[str, ...]

_SEPARATORS = re.compile(r"[\\/]")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_ESCAPED = re.compile(r"\\([0-9a-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_folder_path(folder_path: str) -> FolderKey:
    """Split a client path into components, with the Inbox spelled ``INBOX``.

    Raises ``UnsafePath`` for NUL, absolute paths and ``.``/``..``
    components, ``InvalidFolderPath`` for empty or over-long paths.
    """
    _validate_whole(folder_path)
    parts = _SEPARATORS.split(folder_path)
    for part in parts:
        _validate_component(part, folder_path)

    if parts[0].casefold() == INBOX.casefold():
        parts[0] = INBOX
    key = tuple(parts)
    if len(folder_dirname(key).encode()) > MAX_NAME_BYTES:
        raise InvalidFolderPath(
            f"Folder path {folder_path!r} is too long.", field=FIELD
        )
    return key


def format_folder_path(key: FolderKey) -> str:
    """Return the client path of ``key``, ``/``-separated, ``Inbox`` first."""
    if key[0] == INBOX:
        key = (INBOX_LABEL, *key[1:])
    return "/".join(key)


def folder_dirname(key: FolderKey) -> str:
    """Return the directory name under ``Maildir/``; ``""`` is the root."""
    if key == (INBOX,):
        return ""
    return "." + ".".join(_escape(encode_mutf7(part)) for part in key)


def parse_dirname(name: str) -> FolderKey | None:
    """Return the folder a directory name holds, or None if it holds none."""
    if not name.startswith(".") or name in (".", ".."):
        return None
    try:
        key = tuple(decode_mutf7(_unescape(part)) for part in name[1:].split("."))
    except ValueError:
        return None

    # Only the canonical spelling counts, so the mapping stays one to one.
    misspelt_inbox = key[0] != INBOX and key[0].casefold() == INBOX.casefold()
    if key == (INBOX,) or misspelt_inbox or not all(map(_is_clean, key)):
        return None
    return key if folder_dirname(key) == name else None


def is_subfolder(key: FolderKey, parent: FolderKey) -> bool:
    """Tell whether ``key`` lies below ``parent`` (at any depth)."""
    return len(key) > len(parent) and key[: len(parent)] == parent


def _validate_whole(folder_path: str) -> None:
    if "\x00" in folder_path:
        raise UnsafePath("A folder path must not contain NUL.", field=FIELD)
    if not folder_path:
        raise InvalidFolderPath("A folder path must not be empty.", field=FIELD)
    if folder_path[0] in "\\/" or _DRIVE.match(folder_path):
        raise UnsafePath(
            f"Folder path {folder_path!r} is absolute; give it from the Inbox "
            "or a top-level folder, such as 'Inbox/Projects'.",
            field=FIELD,
        )


def _validate_component(part: str, folder_path: str) -> None:
    if part in (".", ".."):
        raise UnsafePath(
            f"Folder path {folder_path!r} must not hold '.' or '..'.", field=FIELD
        )
    if not part.strip():
        raise InvalidFolderPath(
            f"Folder path {folder_path!r} has an empty component.", field=FIELD
        )
    if _CONTROL.search(part):
        raise InvalidFolderPath(
            f"Folder path {folder_path!r} holds control characters.", field=FIELD
        )


def _is_clean(part: str) -> bool:
    unsafe = part in (".", "..") or _SEPARATORS.search(part) or _CONTROL.search(part)
    return bool(part.strip()) and not unsafe


# Limitation: a "." in a folder name is stored as \2e, which Dovecot shows
# as "." only with its listescape plugin — enable the plugin, or refuse "."
# in folder names.
def _escape(part: str) -> str:
    part = part.replace(".", "\\2e")
    return "\\7e" + part[1:] if part.startswith("~") else part


def _unescape(part: str) -> str:
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), part)
