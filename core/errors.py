"""The errors services raise; one boundary turns them into payload errors."""


class MailplaneError(Exception):
    """Base of every expected failure; carries a stable code and a field."""

    code = "ERROR"

    def __init__(
        self, message: str, *, field: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    @property
    def extensions(self) -> dict[str, str | None]:
        """Shown in a GraphQL error's ``extensions`` when raised by a query."""
        return {"code": self.code, "field": self.field}


class NotFound(MailplaneError):
    """Raised when the target does not exist or lies outside the caller's scope."""

    code = "NOT_FOUND"


class PermissionDenied(MailplaneError):
    """Raised when the caller may not perform the action at all."""

    code = "PERMISSION_DENIED"


class Unauthenticated(MailplaneError):
    """Raised when a request carries no valid credentials."""

    code = "UNAUTHENTICATED"


class Conflict(MailplaneError):
    """Raised when the change clashes with existing state (a duplicate name)."""

    code = "CONFLICT"


class LimitReached(MailplaneError):
    """Raised when a domain, license or account limit would be exceeded."""

    code = "LIMIT_REACHED"


class InvalidInput(MailplaneError):
    """Raised when input fails validation."""

    code = "INVALID"


class PluginError(MailplaneError):
    """Raised when a plugin misbehaves or clashes with another."""

    code = "PLUGIN_ERROR"


class ConfigurationError(Exception):
    """Raised at start-up when configuration is wrong; the message says the fix."""


class InvalidInputs(InvalidInput):
    """Raised when several fields fail at once; ``errors`` holds each failure."""

    def __init__(self, errors: list[MailplaneError]) -> None:
        # One code shared by every error is the whole failure's (a job's).
        codes = {error.code for error in errors}
        shared = {"code": codes.pop()} if len(codes) == 1 else {}
        super().__init__("; ".join(error.message for error in errors), **shared)
        self.errors = errors
