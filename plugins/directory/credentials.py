"""The password of each domain's service account (``directory.bindDn``).

It is written through ``setDirectoryBindPassword`` and never shown again:
GraphQL only tells whether one is set. Stored encrypted with the key of
``plugins.directory.vault``, it is decrypted only to bind.
"""

import logging

from sqlmodel import Session

from core.errors import InvalidInput
from core.models.base import utcnow
from core.runtime import Runtime
from plugins.directory import vault
from plugins.directory.client import DirectoryUnavailable
from plugins.directory.models import DirectoryCredential

logger = logging.getLogger(__name__)

MAX_PASSWORD_LENGTH = 1024


def set_bind_password(
    session: Session, runtime: Runtime, domain_id: int, password: str | None
) -> bool:
    """Store the password (None or empty removes it); return whether one is set."""
    row = session.get(DirectoryCredential, domain_id)
    if not password:
        if row is not None:
            session.delete(row)
        return False

    validate_bind_password(password)
    encrypted = vault.encrypt(runtime.config.data_dir, password)
    row = row or DirectoryCredential(domain_id=domain_id, bind_password_encrypted="")
    row.bind_password_encrypted = encrypted
    row.updated_at = utcnow()
    session.add(row)
    return True


def validate_bind_password(password: str) -> None:
    if len(password) > MAX_PASSWORD_LENGTH or "\x00" in password:
        raise InvalidInput(
            f"A bind password has at most {MAX_PASSWORD_LENGTH} characters and no NUL.",
            field="password",
            code="INVALID_PASSWORD",
        )


def has_bind_password(session: Session, domain_id: int) -> bool:
    return session.get(DirectoryCredential, domain_id) is not None


def read_bind_password(session: Session, runtime: Runtime, domain_id: int):
    """The password, or None; ``DirectoryUnavailable`` if it can't be decrypted."""
    row = session.get(DirectoryCredential, domain_id)
    if row is None:
        return None
    try:
        return vault.decrypt(runtime.config.data_dir, row.bind_password_encrypted)
    except vault.InvalidToken:
        logger.error(
            "The bind password of domain %d can't be decrypted: %s changed.",
            domain_id,
            vault.KEY_FILE,
        )
        raise DirectoryUnavailable(
            f"the stored bind password can't be decrypted ({vault.KEY_FILE} "
            "changed); set it again with setDirectoryBindPassword"
        ) from None
