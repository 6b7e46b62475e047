"""A domain's directory: who may manage it, its connection settings, and
passwords proved against it.

The directory applies to a user whose ``authType`` is DIRECTORY while the
domain's ``features.directoryIntegration`` is on and ``directory.url`` is
set; otherwise core checks the user's stored hash as for anyone else.
"""

import logging

from sqlmodel import Session

from core.errors import InvalidInput, PermissionDenied
from core.models import Domain, User
from core.principal import Principal
from core.runtime import Runtime
from core.services.scope import require_managed_domain
from plugins.directory.client import (
    DirectoryConfig,
    DirectoryUnavailable,
    verify_password,
)
from plugins.directory.credentials import read_bind_password

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
    config = directory_config(session, runtime, domain)
    if config is None:
        raise InvalidInput(
            "Set the domain's directory.url first.",
            field="domain",
            code="DIRECTORY_NOT_CONFIGURED",
        )
    return config


def directory_config(
    session: Session, runtime: Runtime, domain: Domain
) -> DirectoryConfig | None:
    """The domain's directory; None while it has no URL."""
    settings = runtime.registry.read("domain", domain.settings, "directory")
    if settings.url is None:
        return None
    return DirectoryConfig(
        url=settings.url,
        bind_dn=settings.bind_dn,
        bind_password=read_bind_password(session, runtime, domain.id),
        base_dn=settings.base_dn or "",
        user_filter=settings.user_filter,
        login_attribute=settings.login_attribute,
        display_name_attribute=settings.display_name_attribute,
        start_tls=settings.start_tls,
    )


def check_user_password(
    session: Session, runtime: Runtime, user: User, password: str
) -> bool | None:
    """The directory's verdict on a DIRECTORY user's password; None when it
    does not apply. Raises ``DirectoryUnavailable`` when it can't answer."""
    if user.auth_type != DIRECTORY:
        return None
    domain = session.get(Domain, user.domain_id)
    if domain is None or not integration_on(runtime, domain):
        return None
    config = directory_config(session, runtime, domain)
    if config is None:
        return None

    # Limitation: this runs inside the login's transaction, which on SQLite
    # holds the write lock through the LDAP round trips (up to the timeouts
    # when the server is unreachable) — checking passwords before core opens
    # its write transaction would lift it.
    try:
        return verify_password(config, user.local_part, password)
    except DirectoryUnavailable as exc:
        logger.warning(
            "The directory of %s could not check the password of %s@%s: %s.",
            domain.name,
            user.local_part,
            domain.name,
            exc.detail,
        )
        raise
