"""Why a directory can't be used: one class a code.

Messages are fixed and safe to show to any caller; what the server said
travels in ``detail``, for the log only.
"""

from core.errors import InvalidInput, MailplaneError


class DirectoryUnavailable(MailplaneError):
    """Raised when the directory can't answer: unreachable, speaking no
    LDAP, or refusing the service account."""

    code = "DIRECTORY_UNAVAILABLE"
    LOGIN_MESSAGE = "The directory server can't check passwords now; try again later."
    JOB_MESSAGE = "The directory could not be reached."

    def __init__(self, detail: str, message: str = LOGIN_MESSAGE) -> None:
        super().__init__(message)
        self.detail = detail


class DirectoryNotConfigured(InvalidInput):
    """Raised when a setting the directory needs (url, baseDn) is unset."""

    code = "DIRECTORY_NOT_CONFIGURED"

    def __init__(self, setting: str) -> None:
        super().__init__(f"Set the domain's directory.{setting} first.", field="domain")


class DirectoryMisconfigured(InvalidInput):
    """Raised when the directory answers that ``baseDn`` names no entry."""

    code = "DIRECTORY_MISCONFIGURED"

    def __init__(self, detail: str) -> None:
        super().__init__(
            "The directory has no entry at the domain's directory.baseDn; "
            "correct the setting.",
            field="domain",
        )
        self.detail = detail


class DirectoryPasswordStale(InvalidInput):
    """Raised when the stored bind password was set for another url or
    bindDn than the domain's directory has now."""

    code = "DIRECTORY_PASSWORD_STALE"

    def __init__(self) -> None:
        super().__init__(
            "The directory's url or bindDn changed since its bind password was "
            "set; set the password again with setDirectoryBindPassword.",
            field="domain",
        )


class NoLoginAttribute(InvalidInput):
    """Raised when a directory entry lacks the login attribute."""

    code = "NO_LOGIN_ATTRIBUTE"

    def __init__(self, dn: str) -> None:
        super().__init__(f"{dn} has no login attribute.")
