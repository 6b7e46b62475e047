"""A domain's directory: who may manage it, its connection settings, and
passwords proved against it.

The directory applies to a user whose ``authType`` is DIRECTORY while the
domain's ``features.directoryIntegration`` is on and ``directory.url`` is
set; otherwise core checks the user's stored hash as for anyone else.
"""

import logging

from sqlmodel import Session

from core.db import session_scope
from core.errors import InvalidInput, PermissionDenied
from core.models import Domain, User
from core.principal import Principal
from core.runtime import Runtime
from core.services.scope import require_managed_domain
from plugins.directory import outages
from plugins.directory.client import DirectoryConfig, verify_password
from plugins.directory.credentials import read_bind_password
from plugins.directory.errors import (
    DirectoryMisconfigured,
    DirectoryNotConfigured,
    DirectoryUnavailable,
)

logger = logging.getLogger(__name__)

DIRECTORY = "directory"


def require_directory_domain(
    session: Session, runtime: Runtime, principal: Principal, name: str
) -> Domain:
    """The domain, if the caller administers it and may manage its directory.

    System administrators always may; anyone else (domain administrators,
    API keys scoped to domains) only while the domain's
    ``features.directoryIntegration`` is on.
    """
    domain = require_managed_domain(session, principal, name)
    if principal.is_system_admin or integration_on(runtime, domain):
        return domain
    raise PermissionDenied(
        "Domain administrators may manage the directory only while the "
        "domain's features.directoryIntegration is on.",
        field="domain",
        code="FEATURE_DISABLED",
    )


def integration_on(runtime: Runtime, domain: Domain) -> bool:
    features = runtime.registry.read("domain", domain.settings, "features")
    return features.directory_integration


def directory_url(runtime: Runtime, domain: Domain) -> str | None:
    return runtime.registry.read("domain", domain.settings, "directory").url


def require_directory_config(
    session: Session, runtime: Runtime, domain: Domain
) -> DirectoryConfig:
    """The domain's directory, or why it can't be used yet."""
    if not integration_on(runtime, domain):
        raise InvalidInput(
            "Turn on the domain's features.directoryIntegration first.",
            field="domain",
            code="FEATURE_DISABLED",
        )
    settings = runtime.registry.read("domain", domain.settings, "directory")
    if settings.url is None:
        raise DirectoryNotConfigured("url")
    if settings.base_dn is None:
        raise DirectoryNotConfigured("baseDn")

    # Without a bindDn no password is sent, so a stale one does not matter.
    password = (
        read_bind_password(session, runtime, domain) if settings.bind_dn else None
    )
    return DirectoryConfig(
        url=settings.url,
        bind_dn=settings.bind_dn,
        bind_password=password,
        base_dn=settings.base_dn,
        user_filter=settings.user_filter,
        login_attribute=settings.login_attribute,
        display_name_attribute=settings.display_name_attribute,
        start_tls=settings.start_tls,
    )


def check_user_password(runtime: Runtime, user: User, password: str) -> bool | None:
    """The directory's verdict on a DIRECTORY user's password; None when it
    does not apply. Raises ``DirectoryUnavailable`` when it can't answer, and
    the errors of ``require_directory_config`` when it can't be used.

    What the check needs is read in a short session of its own: no
    transaction stays open while the directory is asked.
    """
    if user.auth_type != DIRECTORY:
        return None
    with session_scope(runtime.engine, write=False) as session:
        domain = session.get(Domain, user.domain_id)
        if domain is None or not integration_on(runtime, domain):
            return None
        if directory_url(runtime, domain) is None:
            return None
        config = require_directory_config(session, runtime, domain)

    address = f"{user.local_part}@{domain.name}"
    refuse_during_outage(domain, config.url, address)
    try:
        return verify_password(config, user.local_part, password)
    except DirectoryUnavailable as exc:
        outages.record_outage(domain.id, config.url, exc.detail)
        logger.warning(
            "The directory of %s could not check the password of %s: %s.",
            domain.name,
            address,
            exc.detail,
        )
        raise
    except DirectoryMisconfigured as exc:
        logger.warning(
            "The directory of %s could not check the password of %s: %s; "
            "correct directory.baseDn.",
            domain.name,
            address,
            exc.detail,
        )
        raise


def refuse_during_outage(domain: Domain, url: str, address: str) -> None:
    """Fail at once, asking nothing, while the directory is known to be down."""
    detail = outages.recent_outage(domain.id, url)
    if detail is None:
        return
    logger.warning(
        "Refused the login of %s without asking the directory of %s, which "
        "could not answer within the last %d seconds: %s.",
        address,
        domain.name,
        outages.REMEMBER_SECONDS,
        detail,
    )
    raise DirectoryUnavailable(detail)
