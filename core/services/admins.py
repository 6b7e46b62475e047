"""System administrator accounts."""

import logging
import secrets

from sqlmodel import Session, select

from core.errors import Conflict, InvalidInput
from core.models import SystemAdmin
from core.passwords import hash_password, validate_password

logger = logging.getLogger(__name__)

BOOTSTRAP_USERNAME = "admin"


def create_admin(session: Session, username: str, password: str) -> SystemAdmin:
    name = username.strip().lower()
    if not name or "@" in name or len(name) > 64:
        raise InvalidInput(
            "A username is 1 to 64 characters without @.", field="username"
        )
    validate_password(password)
    if session.exec(select(SystemAdmin).where(SystemAdmin.username == name)).first():
        raise Conflict(f"The administrator {name} already exists.", field="username")
    admin = SystemAdmin(username=name, password_hash=hash_password(password))
    session.add(admin)
    session.flush()
    logger.info("Created system administrator %s.", name)
    return admin


def ensure_bootstrap_admin(session: Session, password: str | None) -> str | None:
    """Create ``admin`` on a fresh install; return the password if generated."""
    if session.exec(select(SystemAdmin.id)).first() is not None:
        return None
    generated = None if password else secrets.token_urlsafe(12)
    create_admin(session, BOOTSTRAP_USERNAME, password or generated)
    return generated
