"""The postmaster of a domain: the address its system messages come from."""

from sqlalchemy import exists, select
from sqlmodel import Session

from core.db import session_scope
from core.models import Domain, User, UserAlias
from core.runtime import Runtime
from core.services.server_settings import read_server_settings

POSTMASTER = "postmaster"


def postmaster_address(session: Session, runtime: Runtime, domain: Domain) -> str:
    """The address system messages of ``domain`` are sent from.

    In order: ``postmaster@<domain>`` when the domain has a user or user
    alias named postmaster; its primary domain administrator when the
    domain's ``misc.primaryAdminAsPostmaster`` is on; the server setting
    ``postmasterAddress``; ``postmaster@<domain>`` when none of these is set.
    """
    own = f"{POSTMASTER}@{domain.name}"
    if _has_postmaster_account(session, domain.id):
        return own

    misc = runtime.registry.read("domain", domain.settings, "misc")
    admin = _primary_admin_address(session, domain)
    if misc.primary_admin_as_postmaster and admin is not None:
        return admin

    return read_server_settings(session).postmaster_address or own


def postmaster_of(session: Session, runtime: Runtime, domain_name: str) -> str:
    """``postmaster_address`` of the domain named ``domain_name``, if any."""
    domain = session.execute(select(Domain).where(Domain.name == domain_name)).scalar()
    if domain is None:
        return f"{POSTMASTER}@{domain_name}"
    return postmaster_address(session, runtime, domain)


def _has_postmaster_account(session: Session, domain_id: int) -> bool:
    user = exists().where(User.domain_id == domain_id, User.local_part == POSTMASTER)
    alias = exists().where(
        UserAlias.domain_id == domain_id, UserAlias.local_part == POSTMASTER
    )
    return bool(session.execute(select(user | alias)).scalar())


def _primary_admin_address(session: Session, domain: Domain) -> str | None:
    if domain.primary_admin_id is None:
        return None
    local_part = session.execute(
        select(User.local_part).where(User.id == domain.primary_admin_id)
    ).scalar()
    return f"{local_part}@{domain.name}" if local_part else None


class PostmasterBook:
    """Postmasters by domain name, each looked up once, for a run of messages.

    Safe to call from several threads: each lookup opens its own read
    session, and two threads racing on one domain store the same answer. A
    change made during the run (a postmaster account added) is not seen.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._found: dict[str, str] = {}

    def __call__(self, domain_name: str) -> str:
        found = self._found.get(domain_name)
        if found is None:
            with session_scope(self.runtime.engine, write=False) as session:
                found = postmaster_of(session, self.runtime, domain_name)
            self._found[domain_name] = found
        return found
