"""login and logout: bearer tokens for every other operation."""

from typing import Annotated

import strawberry

from core.principal import require_authenticated
from core.schema.context import Info
from core.schema.errors import UserError, run_mutation
from core.services.auth import get_plugin_verdict, login, revoke_token
from core.services.logout import get_logout_url
from core.services.throttle import check_login, guard_login


@strawberry.input(description="Credentials.")
class LoginInput:
    username: str = strawberry.field(
        description="A system administrator's username, or user@domain."
    )
    password: str = strawberry.field(description="The password.")


@strawberry.type(description="The result of login.")
class LoginPayload:
    token: str | None = strawberry.field(
        default=None, description="Send as Authorization: Bearer <token>."
    )
    two_step_required: bool = strawberry.field(
        default=False,
        description="A second step stands before a token: answer the challenge "
        "with completeLogin.",
    )
    challenge: str | None = strawberry.field(
        default=None, description="The challenge to answer, when twoStepRequired."
    )
    errors: list[UserError] = strawberry.field(description="Why the login failed.")


@strawberry.type(description="The result of logout.")
class LogoutPayload:
    ok: bool = strawberry.field(default=False, description="The session was revoked.")
    redirect_url: str | None = strawberry.field(
        default=None,
        description="Where to send the user now: the logout URL of the caller's "
        "domain while misc.logoutUrlEnabled is on; null shows the login page.",
    )
    errors: list[UserError] = strawberry.field(description="Why it was not.")


@strawberry.type
class LoginMutation:
    @strawberry.mutation(description="Log in and receive a bearer token.")
    def login(
        self,
        info: Info,
        input: Annotated[LoginInput, strawberry.argument(description="Credentials.")],
    ) -> LoginPayload:
        def act(session, ctx):
            address = ctx.client_address
            runtime = ctx.runtime
            verdict = None
            if runtime.plugins.judges_passwords():
                # Plugins (a directory) judge the password before ``session``
                # first touches the database, so that waiting on them holds
                # no write lock; their refusal for want of a verdict comes
                # before guard_login and so counts as no failed attempt.
                check_login(runtime.engine, account=input.username, address=address)
                verdict = get_plugin_verdict(runtime, input.username, input.password)
            guard_login(session, account=input.username, address=address)
            ttl = runtime.config.token_ttl_seconds
            result = login(
                session,
                input.username,
                input.password,
                ttl=ttl,
                runtime=runtime,
                verdict=verdict,
            )
            return {
                "token": result.token,
                "two_step_required": result.challenge is not None,
                "challenge": result.challenge,
            }

        return run_mutation(info, LoginPayload, act)

    @strawberry.mutation(description="Revoke the token this request was sent with.")
    def logout(self, info: Info) -> LogoutPayload:
        def act(session, ctx):
            principal = require_authenticated(ctx.principal, allow_restricted=True)
            revoke_token(session, principal.token_id)
            redirect_url = get_logout_url(session, ctx.runtime, principal)
            return {"ok": True, "redirect_url": redirect_url}

        return run_mutation(info, LogoutPayload, act)
