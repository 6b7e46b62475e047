"""Domains with long names, templates holding %domain%, and what they stored."""

from sqlalchemy import func, select

from core.db import session_scope
from core.models import Domain, User
from core.principal import Principal, Role
from core.services.domains import DomainCreate, create_domain
from core.services.templates import update_domain_template, update_user_template
from core.services.users import UserCreate, create_user

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
SHORT = "short.test"


def long_name(length: int) -> str:
    """A valid domain name of exactly ``length`` characters, ending in .test."""
    labels, left = [], length - len(".test")
    while left > 63:
        labels.append("a" * 62)
        left -= 63
    labels.append("b" * left)
    return ".".join(labels) + ".test"


LONG = long_name(252)  # mail.<LONG> is 257 characters: no host name
MIDDLE = long_name(95)  # "Sign in to <MIDDLE>" is 106: over loginTitle's 100
LABEL = long_name(60)  # "Sync <LABEL>" is 65: over fakeSync.label's 64
# 22 characters, shorter than the stand-in, but its first label is longer:
# 47 r's and it make a 64-character label.
WIDE = "w" * 17 + ".test"
GLUED_HOST = "r" * 47 + "%domain%"
TITLE = {"loginDisplay": {"login_title": "Sign in to %domain%"}}
SYNC_LABEL = {"fakeSync": {"label": "Sync %domain%"}}


def make_domain(runtime, name: str, hostname: str | None = None) -> Domain:
    with session_scope(runtime.engine) as session:
        data = DomainCreate(name, "boss", "pw-123456", hostname=hostname)
        return create_domain(session, runtime, data)


def add_user(runtime, email: str, settings: dict | None = None) -> User:
    with session_scope(runtime.engine) as session:
        data = UserCreate(email=email, password="pw-123456", settings=settings)
        user, _ = create_user(session, runtime, ADMIN, data)
        return user


def set_domain_template(runtime, *, hostname=None, settings=None) -> None:
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session, runtime, ADMIN, hostname=hostname, settings=settings
        )


def set_user_template(runtime, settings: dict) -> None:
    with session_scope(runtime.engine) as session:
        update_user_template(session, runtime, ADMIN, settings)


def domains_by_name(runtime) -> dict[str, Domain]:
    with session_scope(runtime.engine, write=False) as session:
        return {d.name: d for d in session.execute(select(Domain)).scalars()}


def count_domains(runtime) -> int:
    with session_scope(runtime.engine, write=False) as session:
        return session.execute(select(func.count(Domain.id))).scalar_one()


def users_by_domain(runtime) -> dict[str, list[User]]:
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            select(Domain.name, User).join(User, User.domain_id == Domain.id)
        )
        found: dict[str, list[User]] = {}
        for name, user in rows:
            found.setdefault(name, []).append(user)
        return found
