"""The mail store's errors: one base, one subclass a failure.

Each subclass also derives from the matching general error of
``core.errors``, so the boundary that turns service errors into payload
``errors`` handles them with no extra mapping. ``field`` names the input that
caused the failure, in the API's camelCase (``folderPath``, ``localPart``).
"""

from core.errors import Conflict, InvalidInput, LimitReached, MailplaneError, NotFound


class MailStoreError(MailplaneError):
    """Raised when an operation on the on-disk mail store fails."""

    code = "MAIL_STORE_ERROR"


class UnsafePath(MailStoreError, InvalidInput):
    """Raised when a path would leave the user's or the domain's folder."""

    code = "UNSAFE_PATH"


class InvalidFolderPath(MailStoreError, InvalidInput):
    """Raised when a folder path is empty, too long or holds control characters."""

    code = "INVALID_FOLDER_PATH"


class FolderNotFound(MailStoreError, NotFound):
    """Raised when a folder, or the user's mail store, does not exist on disk."""

    code = "FOLDER_NOT_FOUND"


class FolderExists(MailStoreError, Conflict):
    """Raised when creating a folder that already exists on disk."""

    code = "FOLDER_EXISTS"


class NotMail(MailStoreError, InvalidInput):
    """Raised when bytes are not an RFC 5322 message; ``code`` names the defect."""

    code = "NOT_MAIL"


class QuotaExceeded(MailStoreError, LimitReached):
    """Raised when a delivery would exceed the user's or the domain's disk space."""

    code = "QUOTA_EXCEEDED"


class CorruptIndex(MailStoreError):
    """Raised when a folder's UID index can't be read; it is never overwritten."""

    code = "CORRUPT_INDEX"
