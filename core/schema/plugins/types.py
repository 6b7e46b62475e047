"""The Plugin and License types."""

from datetime import datetime

import strawberry

from core.licensing import Edition
from core.plugins import PluginState, PluginStatus
from core.services.license import LicenseProblem as ProblemRow
from core.services.license import LicenseSource, LicenseStatus

strawberry.enum(Edition, description="Editions, from the least to the most.")
strawberry.enum(PluginState, description="Whether a plugin loaded, and if not why.")
strawberry.enum(LicenseSource, description="Where the license in force came from.")


@strawberry.type(description="A plugin the server knows of, loaded or not.")
class Plugin:
    name: str = strawberry.field(description="The plugin's name in MAILPLANE_PLUGINS.")
    version: str = strawberry.field(description="The plugin's version.")
    description: str = strawberry.field(description="What the plugin adds.")
    edition: Edition = strawberry.field(
        description="The lowest edition the plugin loads in."
    )
    feature: str | None = strawberry.field(
        description="The license feature it needs, if any."
    )
    state: PluginState = strawberry.field(description="Whether it loaded.")
    reason: str = strawberry.field(description="Why it is in this state.")


def to_plugin(status: PluginStatus) -> Plugin:
    info = status.info
    return Plugin(
        name=info.name,
        version=info.version,
        description=info.description,
        edition=Edition(info.edition),
        feature=info.feature,
        state=status.state,
        reason=status.reason,
    )


@strawberry.type(description="A license refused when the server started.")
class LicenseProblem:
    source: LicenseSource = strawberry.field(description="Where it came from.")
    code: str = strawberry.field(
        description="Why, as a stable code: LICENSE_FORGED, LICENSE_EXPIRED, "
        "LICENSE_MALFORMED, LICENSE_UNKNOWN_EDITION or LICENSE_KEY_MISSING."
    )
    reason: str = strawberry.field(description="Why, for people.")


def to_problem(problem: ProblemRow) -> LicenseProblem:
    return LicenseProblem(
        source=problem.source, code=problem.code, reason=problem.reason
    )


@strawberry.type(description="The license the server runs under.")
class License:
    license_id: str = strawberry.field(description="The issuer's identifier.")
    licensee: str = strawberry.field(description="Who the license is for.")
    edition: Edition = strawberry.field(description="The edition it grants.")
    features: list[str] = strawberry.field(
        description="Features it grants, such as eas or mapi_ews."
    )
    mailbox_cap: int | None = strawberry.field(
        description="Most mailboxes on the whole server; null for unlimited. "
        "It applies whatever the domains' user limits say."
    )
    mailboxes_used: int = strawberry.field(
        description="Mailboxes on the server now, counted against the cap."
    )
    issued_at: datetime | None = strawberry.field(
        description="When it was issued; null for the free edition."
    )
    expires_at: datetime | None = strawberry.field(
        description="When it expires; null for the free edition."
    )
    expired: bool = strawberry.field(
        description="Whether it has expired since the server loaded it."
    )
    source: LicenseSource = strawberry.field(description="Where it came from.")
    problems: list[LicenseProblem] = strawberry.field(
        description="Licenses refused when the server started, and why."
    )


def to_license(status: LicenseStatus, mailboxes_used: int) -> License:
    document = status.license
    return License(
        license_id=document.license_id,
        licensee=document.licensee,
        edition=document.edition,
        features=list(document.features),
        mailbox_cap=document.mailbox_cap,
        mailboxes_used=mailboxes_used,
        issued_at=document.issued_at,
        expires_at=document.expires_at,
        expired=status.expired_at() is not None,
        source=status.source,
        problems=[to_problem(problem) for problem in status.problems],
    )
