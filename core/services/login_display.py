"""What a login page may show of a domain, to anyone: its customisation alone."""

from sqlalchemy import or_
from sqlmodel import Session, select

from core.errors import InvalidInput
from core.models import Domain, DomainAlias
from core.runtime import Runtime
from core.settings.domain.login_display import LoginDisplaySettings
from core.validation import clean_domain_name


def get_login_display(
    session: Session, runtime: Runtime, name: str
) -> LoginDisplaySettings | None:
    """The login customisation of a domain (named or by an alias), or None.

    It shows only while the domain is enabled, its ``features.loginCustomization``
    is on and its ``loginDisplay.enabled`` too. Every other case, a name that
    is no domain's included, answers None alike, so that an anonymous caller
    learns nothing else about domains.
    """
    domain = _find_domain(session, name)
    if domain is None or domain.status != "enabled":
        return None
    features = runtime.registry.read("domain", domain.settings, "features")
    display = runtime.registry.read("domain", domain.settings, "loginDisplay")
    if not (features.login_customization and display.enabled):
        return None
    return display


def _find_domain(session: Session, name: str) -> Domain | None:
    try:
        clean = clean_domain_name(name)
    except InvalidInput:
        return None
    # One query whether the name is a domain's, an alias's or nobody's.
    return session.exec(
        select(Domain)
        .outerjoin(DomainAlias, DomainAlias.domain_id == Domain.id)
        .where(or_(Domain.name == clean, DomainAlias.name == clean))
        .limit(1)
    ).first()
