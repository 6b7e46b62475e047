"""Subscriptions outlive the request that authenticated them: each poll
checks that the caller's session or key still stands, so a stream stops
once the session ends (logout, a new password, a disabled account, an
ended impersonation, a revoked key)."""

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import session_scope
from core.errors import Unauthenticated
from core.principal import Principal
from core.services.auth import still_holds


def require_still_signed_in(session: Session, principal: Principal) -> None:
    """Raise ``UNAUTHENTICATED`` once the caller's session no longer holds."""
    if not still_holds(session, principal):
        raise Unauthenticated("The session has ended; sign in again.")


def check_still_signed_in(engine: Engine, principal: Principal) -> None:
    """``require_still_signed_in`` in a read of its own."""
    with session_scope(engine, write=False) as session:
        require_still_signed_in(session, principal)
