"""The starlette application: GraphQL endpoint, plugin routes and life cycle."""

import logging
from contextlib import asynccontextmanager

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types.graphql import OperationType

from core.db import session_scope
from core.downloads import ROUTE as DOWNLOAD_ROUTE
from core.principal import ANONYMOUS, Principal
from core.runtime import Runtime
from core.schema.builder import build_schema
from core.schema.context import Context
from core.schema.websocket import AuthenticatingTransportWSHandler
from core.services.auth import authenticate

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024 * 1024


class MailplaneGraphQL(GraphQL):
    """Strawberry's view, running each operation in a worker thread.

    Resolvers are synchronous and use blocking database sessions; running
    the whole operation off the event loop keeps concurrent requests moving.
    """

    graphql_transport_ws_handler_class = AuthenticatingTransportWSHandler

    def __init__(self, schema, runtime: Runtime) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if runtime.config.graphiql else None,
            allow_queries_via_get=False,
        )
        self.runtime = runtime

    async def get_context(self, request, response) -> Context:
        principal = await run_in_threadpool(self._principal, request)
        client = request.client.host if request.client else None
        return Context(self.runtime, principal, client, request, response)

    def _principal(self, request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return ANONYMOUS
        with session_scope(self.runtime.engine, write=False) as session:
            return authenticate(session, token.strip()) or ANONYMOUS

    async def execute_single(
        self, request, request_adapter, sub_response, context, root_value, request_data
    ):
        if request_data.query is None:
            raise HTTPException(400, "No GraphQL query found in the request")
        method = request_adapter.method
        try:
            return await run_in_threadpool(
                self.schema.execute_sync,
                request_data.query,
                variable_values=request_data.variables,
                context_value=context,
                root_value=root_value,
                operation_name=request_data.operation_name,
                allowed_operation_types=_allowed(method),
                operation_extensions=request_data.extensions,
            )
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request") from exc
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason(method)) from exc


def _allowed(method: str) -> set[OperationType]:
    """Operations run over POST only: a GET could be sent by any web page."""
    if method == "GET":
        return set()
    return {OperationType.QUERY, OperationType.MUTATION}


def create_app(runtime: Runtime, schema=None) -> Starlette:
    """Build the schema and the app; plugin routes are mounted beside /graphql.

    A schema built earlier for the same plugins may be passed in (tests
    build one per configuration rather than one per app).
    """
    schema = schema or build_schema(runtime)
    graphql = MailplaneGraphQL(schema, runtime)
    routes = [Route("/graphql", graphql, methods=["GET", "POST"])]
    routes += [WebSocketRoute("/graphql", graphql), DOWNLOAD_ROUTE]
    routes += runtime.plugins.routes()

    @asynccontextmanager
    async def lifespan(app):
        logger.info("Serving Mailplane with data in %s.", runtime.config.data_dir)
        from workers.embedded import start_jobs

        jobs = await run_in_threadpool(start_jobs, runtime)
        yield
        await run_in_threadpool(jobs.stop)
        runtime.engine.dispose()

    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=MAX_BODY_BYTES)
    app.state.runtime = runtime
    app.state.schema = schema
    return app
