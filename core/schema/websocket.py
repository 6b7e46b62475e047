"""Subscriptions over graphql-transport-ws, authenticated like the API.

A client sends its token in the Authorization header of the handshake, or,
since browsers can't set headers on a websocket, in the payload of
``connection_init``: ``{"Authorization": "Bearer <token>"}``. A token that
is not valid closes the connection with 4403.
"""

import logging

from starlette.concurrency import run_in_threadpool
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from core.db import session_scope
from core.principal import Principal
from core.schema.context import Context
from core.services.auth import authenticate

logger = logging.getLogger(__name__)


class AuthenticatingTransportWSHandler(BaseGraphQLTransportWSHandler):
    """Reads a bearer token from ``connection_init`` before acknowledging."""

    async def handle_connection_init(self, message) -> None:
        payload = message.get("payload")
        token = _token_of(payload) if isinstance(payload, dict) else None
        if token is not None and isinstance(self.context, Context):
            principal = await run_in_threadpool(_authenticate, self.context, token)
            if principal is None:
                logger.warning("Refused a subscription connection: bad token.")
                await self.websocket.close(code=4403, reason="Forbidden")
                return
            self.context.principal = principal
        await super().handle_connection_init(message)


def _token_of(payload: dict) -> str | None:
    header = payload.get("Authorization") or payload.get("authorization") or ""
    scheme, _, token = str(header).partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _authenticate(context: Context, token: str) -> Principal | None:
    with session_scope(context.runtime.engine, write=False) as session:
        return authenticate(session, token)
