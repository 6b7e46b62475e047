"""Types of the defaults templates and of propagation results."""

from typing import Any

import strawberry
from strawberry.scalars import JSON

from core.runtime import Runtime
from core.schema.domains.types import DomainStatus
from core.services.propagation import Refusal
from core.services.propagation_preview import DomainPreview, UserDomainPreview
from core.services.templates import DomainTemplate, template_sections
from core.settings.api_values import as_shown, value_type
from core.settings.section import Scope, SectionModel


class TemplateView:
    """A template's sections for the settings types, variables kept as typed."""

    __slots__ = ("_sections",)

    def __init__(self, runtime: Runtime, scope: Scope, settings: dict) -> None:
        self._sections = template_sections(runtime, scope, settings)

    def read(self, name: str) -> SectionModel:
        return self._sections[name]


@strawberry.type(description="The template new domains start from.")
class DomainDefaults:
    hostname: str = strawberry.field(
        description="Mail server name pattern; %domain% stands for the domain's name."
    )
    status: DomainStatus = strawberry.field(
        description="The status new domains start with (ENABLED by default)."
    )
    # Bound to this build's DomainSettings by the schema builder.
    settings: "DomainSettings" = strawberry.field(  # noqa: F821
        description="Every domain settings section, the plugins' included."
    )


@strawberry.type(description="The template new users start from.")
class UserDefaults:
    # Bound to this build's UserSettings by the schema builder.
    settings: "UserSettings" = strawberry.field(  # noqa: F821
        description="Every user settings section, the plugins' included."
    )


def to_domain_defaults(template: DomainTemplate, runtime: Runtime) -> DomainDefaults:
    return DomainDefaults(
        hostname=template.hostname,
        status=DomainStatus(template.status),
        settings=TemplateView(runtime, "domain", template.settings),
    )


def to_user_defaults(settings: dict, runtime: Runtime) -> UserDefaults:
    return UserDefaults(settings=TemplateView(runtime, "user", settings))


@strawberry.type(description="One setting of a domain before and after propagation.")
class SettingChange:
    path: str = strawberry.field(
        description="The setting, as named in the input (limits.diskSpaceMb)."
    )
    before: JSON | None = strawberry.field(
        description="Its value now, spelled as the domain's settings show it "
        "(camelCase fields, enum names)."
    )
    after: JSON | None = strawberry.field(
        description="Its value after propagation, spelled the same way."
    )
    changes: bool = strawberry.field(description="Whether propagation changes it.")


@strawberry.type(description="What propagating domain defaults would do to a domain.")
class DomainPropagationPreview:
    domain: str = strawberry.field(description="The domain name.")
    settings: list[SettingChange] = strawberry.field(
        description="Each chosen setting, before and after."
    )


@strawberry.type(description="A value some users of a domain hold, and how many.")
class SettingValueCount:
    value: JSON | None = strawberry.field(
        description="The value, spelled as the user's settings show it."
    )
    users: int = strawberry.field(description="Users holding it.")


@strawberry.type(description="One user setting across a domain's users.")
class UserSettingChange:
    path: str = strawberry.field(
        description="The setting, as named in the input (serviceAccess.pop)."
    )
    before: list[SettingValueCount] = strawberry.field(
        description="The values the domain's users hold now."
    )
    after: JSON | None = strawberry.field(
        description="The value every user of the domain gets."
    )
    users_changing: int = strawberry.field(
        description="Users whose value propagation changes."
    )


@strawberry.type(description="What propagating user defaults would do in a domain.")
class UserPropagationPreview:
    domain: str = strawberry.field(description="The domain name.")
    users: int = strawberry.field(description="Users of the domain.")
    settings: list[UserSettingChange] = strawberry.field(
        description="Each chosen setting, before and after."
    )


@strawberry.type(description="A domain kept out of propagation, and why.")
class PropagationRefusal:
    domain: str = strawberry.field(description="The domain left unchanged.")
    plugin: str = strawberry.field(
        description="Who refused: a plugin (a limit it keeps), or core (a "
        "value made invalid by the domain's name)."
    )
    message: str = strawberry.field(
        description="Why (a limit it would exceed, a value it would break)."
    )


def to_domain_preview(
    preview: DomainPreview, runtime: Runtime
) -> DomainPropagationPreview:
    shown = _shown(runtime, "domain")
    return DomainPropagationPreview(
        domain=preview.domain,
        settings=[
            SettingChange(
                path=item.path,
                before=shown(item.path, item.before),
                after=shown(item.path, item.after),
                changes=item.changes,
            )
            for item in preview.settings
        ],
    )


def to_user_preview(
    preview: UserDomainPreview, runtime: Runtime
) -> UserPropagationPreview:
    shown = _shown(runtime, "user")
    return UserPropagationPreview(
        domain=preview.domain,
        users=preview.users,
        settings=[
            UserSettingChange(
                path=item.path,
                before=[
                    SettingValueCount(
                        value=shown(item.path, held.value), users=held.users
                    )
                    for held in item.before
                ],
                after=shown(item.path, item.after),
                users_changing=item.users_changing,
            )
            for item in preview.settings
        ],
    )


def _shown(runtime: Runtime, scope: Scope):
    """Values of a preview as the API shows them; paths resolve once each."""
    types_by_path: dict[str, Any] = {}

    def shown(path: str, value):
        if scope == "domain" and path == "status":
            return DomainStatus(value).name
        if scope == "domain" and path == "hostname":
            return value
        if path not in types_by_path:
            types_by_path[path] = value_type(runtime.registry, scope, path)
        return as_shown(types_by_path[path], value)

    return shown


def to_refusal(refusal: Refusal) -> PropagationRefusal:
    return PropagationRefusal(
        domain=refusal.domain, plugin=refusal.plugin, message=refusal.message
    )
