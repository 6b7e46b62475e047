"""The autodiscover plugin's GraphQL fields: custom answers and their templates."""

from typing import Annotated

import strawberry
from strawberry.types.unset import UNSET

from core.schema.context import Info
from core.schema.errors import UserError, run_mutation, run_query
from plugins.autodiscover import service
from plugins.autodiscover.requests import RequestKind

AutodiscoverKind = strawberry.enum(
    RequestKind,
    name="AutodiscoverKind",
    description="Which autodiscover answer: DESKTOP for mail programs (IMAP, "
    "POP, SMTP, EWS), MOBILE for EAS devices.",
)

ADMINS = {"SYSTEM_ADMIN", "DOMAIN_ADMIN"}

# Domain administrators act on their own domain only.
OPERATION_RULES = {
    "generateAutodiscoverXml": ADMINS,
    "setAutodiscoverOverride": ADMINS,
}


@strawberry.type(description="A domain's custom answer of one kind.")
class AutodiscoverOverride:
    domain: str = strawberry.field(description="The domain name.")
    kind: AutodiscoverKind = strawberry.field(description="Which answer.")
    enabled: bool = strawberry.field(
        description="Whether clients get the saved XML instead of the default."
    )
    xml: str | None = strawberry.field(
        description="The saved XML, sent as it is (even blank) while enabled; "
        "null when none is saved, in which case the default answer is sent."
    )


@strawberry.input(description="Turn a domain's custom answer on or off and save it.")
class AutodiscoverOverrideInput:
    domain: str = strawberry.field(description="The domain name.")
    kind: AutodiscoverKind = strawberry.field(description="Which answer.")
    enabled: bool = strawberry.field(
        description="Send the saved XML instead of the default answer."
    )
    xml: str | None = strawberry.field(
        default=UNSET,
        description="The XML to save, exactly as it is to be sent (blank "
        "included); %EmailAddress%, %Base64EmailAddress% and %DisplayName% "
        "are replaced for the asking user. Null forgets the saved XML; "
        "leave it out to keep it.",
    )


@strawberry.type(description="The result of setAutodiscoverOverride.")
class AutodiscoverOverridePayload:
    override: AutodiscoverOverride | None = strawberry.field(
        default=None, description="The custom answer after the change."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed.")


def to_override(state: service.OverrideState) -> AutodiscoverOverride:
    return AutodiscoverOverride(
        domain=state.domain, kind=state.kind, enabled=state.enabled, xml=state.xml
    )


@strawberry.type
class AutodiscoverMutations:
    @strawberry.mutation(
        description="Turn a domain's custom autodiscover answer on or off and "
        "save its XML. With the override on and no XML saved, clients get the "
        "default answer."
    )
    def set_autodiscover_override(
        self,
        info: Info,
        input: Annotated[
            AutodiscoverOverrideInput, strawberry.argument(description="The change.")
        ],
    ) -> AutodiscoverOverridePayload:
        def act(session, ctx):
            xml = service.KEEP_XML if input.xml is UNSET else input.xml
            state = service.set_override(
                session,
                ctx.runtime,
                ctx.principal,
                input.domain,
                RequestKind(input.kind),
                enabled=input.enabled,
                xml=xml,
            )
            return {"override": to_override(state)}

        return run_mutation(info, AutodiscoverOverridePayload, act)


@strawberry.type
class AutodiscoverQueries:
    @strawberry.field(
        description="The answer a client of the domain would get by default, "
        "with %EmailAddress%, %Base64EmailAddress% and %DisplayName% standing "
        "for the user and every protocol the domain offers: a starting point "
        "for custom XML."
    )
    def generate_autodiscover_xml(
        self,
        info: Info,
        domain: Annotated[str, strawberry.argument(description="The domain name.")],
        kind: Annotated[
            AutodiscoverKind, strawberry.argument(description="Which answer.")
        ],
    ) -> str:
        def read(session, ctx):
            return service.generate_xml(
                session, ctx.runtime, ctx.principal, domain, RequestKind(kind)
            )

        return run_query(info, read)


def contributions() -> list:
    from core.schema.builder import SchemaContribution

    return [
        SchemaContribution(query=AutodiscoverQueries, mutation=AutodiscoverMutations)
    ]
