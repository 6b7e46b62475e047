"""Autodiscover's rules: who asks, what they may use, and saved overrides.

The HTTP routes and the GraphQL schema are thin layers over these functions;
nothing here knows about either.
"""

import logging
from dataclasses import dataclass

from sqlmodel import Session, select

from core.errors import InvalidInput
from core.models import Domain, DomainAlias, User
from core.principal import Principal, require_authenticated
from core.runtime import Runtime
from core.services.domains import require_domain
from core.validation import clean_domain_name
from plugins.autodiscover import signin
from plugins.autodiscover.autoconfig import build_autoconfig
from plugins.autodiscover.overrides import choose_response, generate_default_xml
from plugins.autodiscover.requests import (
    AutodiscoverRequest,
    RequestKind,
    parse_request,
)
from plugins.autodiscover.responses import (
    Account,
    DesktopErrorCode,
    build_desktop_error,
    build_mobile_error,
)
from plugins.autodiscover.settings import AutodiscoverSettings

logger = logging.getLogger(__name__)

SECTION_NAME = "autodiscover"
MAX_OVERRIDE_LENGTH = 100_000
# The mail protocols of the serviceAccess user section that answers announce.
MAIL_PROTOCOLS = ("imap", "pop", "smtp")
# Protocols whose per-user access belongs to a plugin: (protocol, plugin).
PLUGIN_PROTOCOLS = (("ews", "mapi_ews"), ("eas", "eas"))


class _Keep:
    def __repr__(self) -> str:
        return "KEEP_XML"


KEEP_XML = _Keep()
"""Passed as ``xml`` to ``set_override`` to leave the saved answer as it is."""


@dataclass(frozen=True)
class Discovery:
    """The outcome of an autodiscover request, for the route to send.

    ``answer`` is None when the credentials were refused; ``retry_after``
    (seconds) is set instead when the login throttle holds the caller back.
    """

    answer: bytes | None
    retry_after: int | None = None


@dataclass(frozen=True)
class OverrideState:
    """One kind of custom answer of a domain: on or off, and the saved XML."""

    domain: str
    kind: RequestKind
    enabled: bool
    xml: str | None


# Answering mail clients.


def discover(
    session: Session, runtime: Runtime, credentials: signin.Credentials, body: bytes
) -> Discovery:
    """Answer a request body for the mailbox the credentials prove, if any.

    Credentials are checked before the body is read as XML, so strangers
    reach the parser no sooner than signed-in clients. Raises
    ``AutodiscoverRequestError`` for a body to refuse with a bare 400.
    """
    mailbox, retry_after = signin.sign_in(session, runtime, credentials)
    if mailbox is None:
        return Discovery(None, retry_after)
    request = parse_request(body)
    return Discovery(answer_request(session, runtime, mailbox, request))


def answer_request(
    session: Session,
    runtime: Runtime,
    mailbox: signin.Mailbox,
    request: AutodiscoverRequest,
) -> bytes:
    """The answer for a signed-in mailbox: its own address only."""
    asked = signin.find_mailbox(session, request.email)
    if asked is None or asked.user.id != mailbox.user.id:
        logger.warning("Refused autodiscover for another address than the login's.")
        return _address_error(request)

    account = Account(
        email=mailbox.address,
        display_name=mailbox.user.display_name or mailbox.address,
        login_name=mailbox.address,
    )
    allowed = allowed_protocols(session, runtime, mailbox.user)
    settings = read_settings(runtime, mailbox.domain)
    server = server_name(mailbox.domain)
    return choose_response(request.kind, account, server, settings, allowed)


def answer_autoconfig(session: Session, runtime: Runtime, name: str) -> bytes | None:
    """The autoconfig answer for a domain or domain alias name; None if unknown."""
    try:
        clean = clean_domain_name(name)
    except InvalidInput:
        return None
    domain = find_domain(session, clean)
    if domain is None:
        return None
    return build_autoconfig(clean, server_name(domain), read_settings(runtime, domain))


def find_domain(session: Session, name: str) -> Domain | None:
    """The domain named, directly or through one of its aliases."""
    domain = session.exec(select(Domain).where(Domain.name == name)).first()
    if domain is not None:
        return domain
    return session.exec(
        select(Domain)
        .join(DomainAlias, DomainAlias.domain_id == Domain.id)
        .where(DomainAlias.name == name)
    ).first()


def allowed_protocols(session: Session, runtime: Runtime, user: User) -> frozenset:
    """The protocols the user's access allows: service access, then plugins.

    EWS and EAS need their plugin active and the user given one of the
    domain's accounts of that feature.
    """
    access = runtime.registry.read("user", user.settings, "serviceAccess")
    allowed = {name for name in MAIL_PROTOCOLS if getattr(access, name)}
    for protocol, plugin in PLUGIN_PROTOCOLS:
        if runtime.plugins.is_active(plugin) and _has_feature(session, plugin, user):
            allowed.add(protocol)
    return frozenset(allowed)


def _has_feature(session: Session, plugin: str, user: User) -> bool:
    from core.services.feature_accounts import CountedFeature, has_access

    # has_access reads the feature's name only, which is its plugin's name.
    return has_access(session, CountedFeature(plugin, plugin, plugin), user.id)


def read_settings(runtime: Runtime, domain: Domain) -> AutodiscoverSettings:
    return runtime.registry.read("domain", domain.settings, SECTION_NAME)


def server_name(domain: Domain) -> str:
    """The host clients connect to: the domain's hostname, else its name."""
    return domain.hostname or domain.name


def _address_error(request: AutodiscoverRequest) -> bytes:
    message = "The address is not the signed-in account's."
    if request.kind is RequestKind.MOBILE:
        return build_mobile_error(request.email, message)
    return build_desktop_error(DesktopErrorCode.ADDRESS_NOT_FOUND, message)


# Overrides, for the domain's administrators.


def set_override(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    domain_name: str,
    kind: RequestKind,
    *,
    enabled: bool,
    xml: str | _Keep | None = KEEP_XML,
) -> OverrideState:
    """Turn a kind of custom answer on or off, and save its XML.

    ``xml`` is saved as it is (blank included); None forgets it, so the
    default answer goes out even with the override on; ``KEEP_XML`` leaves
    it. Raises ``DOMAIN_NOT_FOUND`` outside the caller's scope, ``TOO_LONG``.
    """
    domain = require_admin_domain(session, principal, domain_name)
    changes: dict = {f"{kind}_override": enabled}
    if xml is not KEEP_XML:
        changes[f"{kind}_xml"] = _clean_override(xml)

    domain.settings = runtime.registry.apply_patch(
        "domain", domain.settings, {SECTION_NAME: changes}, prefix="settings"
    )
    session.add(domain)
    logger.info("Set the %s autodiscover override of %s.", kind, domain.name)
    return read_override(runtime, domain, kind)


def require_admin_domain(session: Session, principal: Principal, name: str) -> Domain:
    """The domain, for its administrators; ``UNAUTHENTICATED`` for strangers,
    whether or not it exists, and ``DOMAIN_NOT_FOUND`` for everyone else."""
    require_authenticated(principal)
    return require_domain(session, principal, name)


def _clean_override(xml: str | None) -> str | None:
    if xml is not None and len(xml) > MAX_OVERRIDE_LENGTH:
        raise InvalidInput(
            f"Custom XML may hold at most {MAX_OVERRIDE_LENGTH} characters.",
            field="xml",
            code="TOO_LONG",
        )
    return xml


def read_override(runtime: Runtime, domain: Domain, kind: RequestKind) -> OverrideState:
    settings = read_settings(runtime, domain)
    enabled = getattr(settings, f"{kind}_override")
    return OverrideState(domain.name, kind, enabled, getattr(settings, f"{kind}_xml"))


def generate_xml(
    session: Session,
    runtime: Runtime,
    principal: Principal,
    domain_name: str,
    kind: RequestKind,
) -> str:
    """The domain's default answer of ``kind``, with the user variables."""
    domain = require_admin_domain(session, principal, domain_name)
    settings = read_settings(runtime, domain)
    return generate_default_xml(kind, server_name(domain), settings)
