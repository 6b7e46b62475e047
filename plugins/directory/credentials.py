"""The password of each domain's service account (``directory.bindDn``).

It is written through ``setDirectoryBindPassword`` and never shown again:
GraphQL only tells whether one is set. Stored encrypted with the key of
``plugins.directory.vault``, it is decrypted only to bind.

The password is bound to the ``url`` and ``bindDn`` it was set for: a
fingerprint of both is encrypted with it, and a password whose
fingerprint no longer matches the domain's settings is never sent, so
that whoever may change the settings can't have it sent to a server of
their choosing. Changing either setting means setting the password again.
"""

import hashlib
import logging

from sqlmodel import Session

from core.errors import InvalidInput
from core.models import Domain
from core.models.base import utcnow
from core.runtime import Runtime
from plugins.directory import vault
from plugins.directory.errors import DirectoryPasswordStale, DirectoryUnavailable
from plugins.directory.models import DirectoryCredential

logger = logging.getLogger(__name__)

MAX_PASSWORD_LENGTH = 1024
# Passwords hold no NUL (validate_bind_password), so it ends the fingerprint.
SEPARATOR = "\x00"


def set_bind_password(
    session: Session, runtime: Runtime, domain: Domain, password: str | None
) -> bool:
    """Store the password for the domain's current url and bindDn (None or
    empty removes it); return whether one is set."""
    row = session.get(DirectoryCredential, domain.id)
    if not password:
        if row is not None:
            session.delete(row)
        return False

    validate_bind_password(password)
    sealed = fingerprint(runtime, domain) + SEPARATOR + password
    encrypted = vault.encrypt(runtime.config.data_dir, sealed)
    row = row or DirectoryCredential(domain_id=domain.id, bind_password_encrypted="")
    row.bind_password_encrypted = encrypted
    row.updated_at = utcnow()
    session.add(row)
    return True


def validate_bind_password(password: str) -> None:
    if len(password) > MAX_PASSWORD_LENGTH or SEPARATOR in password:
        raise InvalidInput(
            f"A bind password has at most {MAX_PASSWORD_LENGTH} characters and no NUL.",
            field="password",
            code="INVALID_PASSWORD",
        )


def has_bind_password(session: Session, domain_id: int) -> bool:
    return session.get(DirectoryCredential, domain_id) is not None


def fingerprint(runtime: Runtime, domain: Domain) -> str:
    """SHA-256 of the domain's directory url and bindDn, as set now."""
    settings = runtime.registry.read("domain", domain.settings, "directory")
    bound_to = f"{settings.url or ''}\n{settings.bind_dn or ''}"
    return hashlib.sha256(bound_to.encode()).hexdigest()


def read_bind_password(session: Session, runtime: Runtime, domain: Domain):
    """The password, or None when none is stored.

    Raises ``DirectoryPasswordStale`` when it was set for another url or
    bindDn, ``DirectoryUnavailable`` when it can't be decrypted.
    """
    row = session.get(DirectoryCredential, domain.id)
    if row is None:
        return None
    bound_to, separator, password = _decrypt(runtime, domain, row).partition(SEPARATOR)
    # A password stored before passwords were bound has no fingerprint: it
    # can't be told apart from one set for another server, so it is stale.
    if not separator or bound_to != fingerprint(runtime, domain):
        logger.warning(
            "Withheld the bind password of %s: it was set for another "
            "directory.url or bindDn; it must be set again.",
            domain.name,
        )
        raise DirectoryPasswordStale()
    return password


def _decrypt(runtime: Runtime, domain: Domain, row: DirectoryCredential) -> str:
    try:
        return vault.decrypt(runtime.config.data_dir, row.bind_password_encrypted)
    except vault.KeyMissing:
        reason = f"{vault.KEY_FILE} is missing"
    except vault.InvalidToken:
        reason = f"{vault.KEY_FILE} changed"
    logger.error("The bind password of %s can't be decrypted: %s.", domain.name, reason)
    raise DirectoryUnavailable(
        f"the stored bind password can't be decrypted ({reason}); set it again "
        "with setDirectoryBindPassword"
    ) from None
