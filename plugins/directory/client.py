"""Talking to a directory server over LDAP (ldap3): proving a user's
password and listing the users to import.

A password is proved in two binds: the service account (``bindDn``, or
anonymously) searches ``baseDn`` for the one entry matching the user
filter and the login attribute, then a second connection binds as that
entry with the password. Anything that keeps the directory from giving an
answer raises ``DirectoryUnavailable``, whatever ldap3 raised (a server
that speaks no LDAP makes it fail in many ways); a ``baseDn`` naming no
entry raises ``DirectoryMisconfigured``; a wrong password is just False.
"""

import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.utils.conv import escape_filter_chars

from plugins.directory.errors import DirectoryMisconfigured, DirectoryUnavailable

logger = logging.getLogger(__name__)

# Short: a login waits this long for a directory that does not answer.
CONNECT_TIMEOUT_SECONDS = 3
RECEIVE_TIMEOUT_SECONDS = 5
PAGE_SIZE = 500
# LDAP result codes (RFC 4511) of a search that found what there is.
SIZE_LIMIT_EXCEEDED = 4
SEARCH_ANSWERED = frozenset({0, SIZE_LIMIT_EXCEEDED})
# A subtree search answers noSuchObject only when its base does not exist.
NO_SUCH_OBJECT = 32
# Result codes of a bind refused for the account, not for the server's state:
# inappropriateAuthentication, invalidCredentials (also a disabled or expired
# account on some servers), insufficientAccessRights, unwillingToPerform.
BIND_REFUSED = frozenset({48, 49, 50, 53})


@dataclass(frozen=True)
class DirectoryConfig:
    """Where the directory is and how its users are found."""

    url: str
    bind_dn: str | None
    bind_password: str | None
    base_dn: str
    user_filter: str
    login_attribute: str
    display_name_attribute: str
    start_tls: bool


@dataclass(frozen=True)
class DirectoryEntry:
    """A user entry: its DN, login (the local part to be) and display name."""

    dn: str
    login: str | None
    display_name: str


def verify_password(config: DirectoryConfig, login: str, password: str) -> bool:
    """Whether the entry whose login attribute is ``login`` has ``password``."""
    # An empty password makes an "unauthenticated bind", which servers
    # accept for any DN: it proves nothing.
    if not password:
        return False
    with _service_connection(config) as connection:
        dn = _find_dn(connection, config, login)
    if dn is None:
        return False
    return _binds(config, dn, password)


def list_entries(config: DirectoryConfig) -> list[DirectoryEntry]:
    """Every entry under ``baseDn`` that the user filter matches, page by page."""
    attributes = [config.login_attribute, config.display_name_attribute]
    with _service_connection(config) as connection:
        found = connection.extend.standard.paged_search(
            config.base_dn,
            config.user_filter,
            SUBTREE,
            attributes=attributes,
            paged_size=PAGE_SIZE,
            generator=False,
        )
        if _check_search(connection) == SIZE_LIMIT_EXCEEDED:
            logger.warning(
                "The directory at %s returned only part of its entries (a size "
                "limit); raise the limit or allow paged searches.",
                config.url,
            )
    return [_entry(item, config) for item in _entries(found)]


def _find_dn(connection: Connection, config: DirectoryConfig, login: str) -> str | None:
    """The DN of the one matching entry; None for none, or for several."""
    query = f"({config.login_attribute}={escape_filter_chars(login)})"
    connection.search(
        config.base_dn,
        f"(&{config.user_filter}{query})",
        SUBTREE,
        attributes=[],
        size_limit=2,
    )
    _check_search(connection)
    dns = [item["dn"] for item in _entries(connection.response)]
    if len(dns) > 1:
        logger.warning(
            "The directory holds several entries for %r; refusing the login.", login
        )
        return None
    return dns[0] if dns else None


def _binds(config: DirectoryConfig, dn: str, password: str) -> bool:
    # A bind with an empty DN is anonymous and succeeds whatever the
    # password: it would prove nothing.
    if not dn:
        logger.warning("The directory answered with an entry without a DN.")
        return False
    try:
        with _connection(config, dn, password, service=False):
            return True
    except _BindRefused:
        return False


class _BindRefused(Exception):
    """A user's bind refused for its credentials or its account's state."""


def _service_connection(config: DirectoryConfig):
    if config.bind_dn and not config.bind_password:
        raise DirectoryUnavailable(
            "directory.bindDn is set but has no password; set it with "
            "setDirectoryBindPassword"
        )
    return _connection(config, config.bind_dn, config.bind_password, service=True)


@contextmanager
def _connection(
    config: DirectoryConfig, user: str | None, password: str | None, *, service: bool
) -> Iterator[Connection]:
    """A bound connection, unbound on leaving; LDAP failures are translated."""
    # Limitation: certificates are checked against the system's trust store
    # alone, so a private CA must be installed there — a per-domain CA
    # certificate setting would lift it.
    server = Server(
        config.url,
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        get_info=NONE,
        tls=Tls(validate=ssl.CERT_REQUIRED),
    )
    connection = Connection(
        server,
        user=user,
        # The service account binds anonymously without a bindDn; a user
        # always binds with its password.
        password=password if user or not service else None,
        receive_timeout=RECEIVE_TIMEOUT_SECONDS,
        read_only=True,
        auto_referrals=False,
    )
    try:
        _open_and_bind(connection, config, service=service)
        yield connection
    except (DirectoryUnavailable, DirectoryMisconfigured, _BindRefused):
        raise
    except Exception as exc:
        detail = _scrub(f"{type(exc).__name__}: {exc}", password)
        raise DirectoryUnavailable(detail) from None
    finally:
        _close(connection)


def _scrub(detail: str, password: str | None) -> str:
    """The detail of a failure, sure to hold no password for the log."""
    return detail.replace(password, "***") if password else detail


def _close(connection: Connection) -> None:
    try:
        connection.unbind()
    except Exception:
        # The answer is had (or the failure reported): a connection that
        # can't be closed cleanly changes neither.
        logger.debug("Could not unbind from the directory.", exc_info=True)


def _open_and_bind(connection: Connection, config: DirectoryConfig, service: bool):
    connection.open()
    if config.start_tls and not config.url.lower().startswith("ldaps:"):
        connection.start_tls()
    if connection.bind():
        return
    result = connection.result or {}
    if result.get("result") in BIND_REFUSED and not service:
        raise _BindRefused
    description = result.get("description", "no answer")
    who = "the service account (bindDn)" if service else "a user entry"
    raise DirectoryUnavailable(f"the directory refused to bind {who}: {description}")


def _check_search(connection: Connection) -> int:
    """The search's result code, if it answered; else ``DirectoryMisconfigured``
    for a missing base, ``DirectoryUnavailable`` for anything else."""
    result = connection.result or {}
    if result.get("result") in SEARCH_ANSWERED:
        return result["result"]
    if result.get("result") == NO_SUCH_OBJECT:
        raise DirectoryMisconfigured("the search base names no entry (noSuchObject)")
    description = result.get("description", "no answer")
    raise DirectoryUnavailable(f"the directory refused the search: {description}")


def _entries(response: list | None) -> list[dict]:
    """The entries of a search's response, without its referrals."""
    return [item for item in response or [] if item.get("type") == "searchResEntry"]


def _entry(item: dict, config: DirectoryConfig) -> DirectoryEntry:
    attributes = item.get("attributes") or {}
    login = _first(attributes.get(config.login_attribute))
    name = _first(attributes.get(config.display_name_attribute)) or ""
    return DirectoryEntry(item["dn"], login, name)


def _first(value) -> str | None:
    """The first value of an attribute; ldap3 gives lists without a schema."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return None if value is None else str(value)
