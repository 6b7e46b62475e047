"""A third-party plugin: implements every hook and records each call.

Installed by the tests from its own ``pyproject.toml``, it reaches the
server only through the ``mailplane.plugins`` entry point. ``CALLS`` lists
the hooks called, in order, so tests can check each one is exercised.
"""

from pydantic import Field
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from core.settings.section import SectionModel, SectionSpec

PLUGIN_INFO = PluginInfo(
    name="sample",
    version="0.1.0",
    description="Greets; exercises every hook.",
)

CALLS: list[str] = []


class SampleDomainSettings(SectionModel):
    greeting: str = Field(default="hello", max_length=64, description="A greeting.")


class SampleUserSettings(SectionModel):
    nickname: str = Field(default="", max_length=64, description="A nickname.")


async def ping(request):
    return PlainTextResponse("pong")


@hookimpl
def register_domain_sections() -> list:
    CALLS.append("register_domain_sections")
    return [
        SectionSpec(
            name="sample",
            model=SampleDomainSettings,
            scope="domain",
            description="The sample plugin's domain settings.",
            domain_admin_fields=frozenset({"greeting"}),
            plugin="sample",
        )
    ]


@hookimpl
def register_user_sections() -> list:
    CALLS.append("register_user_sections")
    return [
        SectionSpec(
            name="sample",
            model=SampleUserSettings,
            scope="user",
            description="The sample plugin's user settings.",
            plugin="sample",
        )
    ]


@hookimpl
def register_schema(types) -> list:
    from core.schema.builder import SchemaContribution
    from mailplane_sample_plugin.schema import SampleQueries

    CALLS.append("register_schema")
    return [SchemaContribution(query=SampleQueries)]


@hookimpl
def register_routes() -> list:
    CALLS.append("register_routes")
    return [Route("/sample/ping", ping)]


@hookimpl
def register_export_columns(kind: str) -> list:
    from core.services.export_columns import ExportColumn

    CALLS.append("register_export_columns")
    return [ExportColumn(name="sample", value=lambda row: "sampled")]


@hookimpl
def register_actors(broker) -> None:
    CALLS.append("register_actors")


@hookimpl
def register_operation_rules() -> dict:
    CALLS.append("register_operation_rules")
    return {"sampleGreeting": {"SYSTEM_ADMIN", "DOMAIN_ADMIN", "USER", "ANONYMOUS"}}


@hookimpl
def after_domain_create(session, runtime, domain) -> None:
    CALLS.append("after_domain_create")


@hookimpl
def after_domain_rename(session, runtime, domain, old_name) -> None:
    CALLS.append("after_domain_rename")


@hookimpl
def before_domain_delete(session, runtime, domain) -> None:
    CALLS.append("before_domain_delete")


@hookimpl
def after_domain_delete(runtime, domain_id, name) -> None:
    CALLS.append("after_domain_delete")


@hookimpl
def after_user_create(session, runtime, user) -> None:
    CALLS.append("after_user_create")


@hookimpl
def after_user_settings(
    session, runtime, principal, user, domain, created, requested
) -> None:
    CALLS.append("after_user_settings")


@hookimpl
def after_user_rename(session, runtime, user, old_local_part) -> None:
    CALLS.append("after_user_rename")


@hookimpl
def before_user_delete(session, runtime, user) -> None:
    CALLS.append("before_user_delete")


@hookimpl
def after_user_delete(runtime, user_id, email) -> None:
    CALLS.append("after_user_delete")


@hookimpl
def register_propagation_sections() -> list:
    CALLS.append("register_propagation_sections")
    return ["sample"]


@hookimpl
def validate_user_propagation(session, runtime, domain, changes):
    CALLS.append("validate_user_propagation")
    return None


@hookimpl
def after_user_propagation(session, runtime, domain_ids, changes) -> None:
    CALLS.append("after_user_propagation")


@hookimpl
def check_password(session, runtime, user, password):
    CALLS.append("check_password")
    return None


@hookimpl
def login_challenge(session, runtime, user):
    CALLS.append("login_challenge")
    return None


@hookimpl
def login_restriction(session, runtime, user):
    CALLS.append("login_restriction")
    return None
