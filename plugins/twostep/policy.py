"""Whether two-step authentication applies to a domain, and to whom."""

from sqlmodel import Session

from core.errors import PermissionDenied
from core.models import Domain, User
from core.principal import Principal, require_authenticated
from core.services.server_settings import read_server_settings
from plugins.twostep.settings import TwoStepStatus

# Principal.restricted_to of a session that may only set up two-step.
SETUP_SCOPE = "twostep_setup"


def domain_status(session: Session, runtime, domain: Domain) -> TwoStepStatus:
    """The status in force: DISABLED unless the server and the domain allow it."""
    if not read_server_settings(session).two_step_available:
        return TwoStepStatus.DISABLED
    section = runtime.registry.read("domain", domain.settings, "twoStep")
    return section.status if section.enabled else TwoStepStatus.DISABLED


def require_available(session: Session, runtime, domain: Domain) -> TwoStepStatus:
    status = domain_status(session, runtime, domain)
    if status is TwoStepStatus.DISABLED:
        raise PermissionDenied(
            f"Two-step authentication is off for {domain.name}.",
            code="TWO_STEP_DISABLED",
        )
    return status


def require_own_user(
    session: Session,
    principal: Principal,
    *,
    setup: bool = False,
    in_person: bool = False,
) -> tuple[User, Domain]:
    """The caller's own account; ``setup`` admits a set-up-only session too.

    ``in_person`` refuses impersonation sessions: sign-in methods made or
    replaced through one (an app password, an authenticator, recovery
    codes) would outlive the impersonation or lock the user out.
    """
    restricted_ok = setup and principal.restricted_to == SETUP_SCOPE
    require_authenticated(principal, allow_restricted=restricted_ok)
    user = session.get(User, principal.user_id) if principal.user_id else None
    if user is None:
        raise PermissionDenied(
            "Only a user sets up two-step authentication, for their own account.",
            code="PERMISSION_DENIED",
        )
    if in_person and principal.impersonator:
        raise PermissionDenied(
            "An impersonation can't change the user's sign-in methods; the "
            "user does, or an administrator resets them (resetTwoStep).",
            code="IMPERSONATION_REFUSED",
        )
    return user, session.get(Domain, user.domain_id)
