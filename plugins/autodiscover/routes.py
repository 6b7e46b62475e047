"""The HTTP endpoints mail clients configure themselves from.

``POST /autodiscover/autodiscover.xml`` (any letter case) answers desktop and
mobile autodiscover requests for a client signed in with HTTP Basic.
``GET /mail/config-v1.1.xml`` and its ``/.well-known/autoconfig/`` twin
answer autoconfig requests without credentials. A refused request says
nothing about why: 400 and 404 carry no body, 401 only a challenge.
"""

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Scope

from core.db import session_scope
from plugins.autodiscover import service, signin
from plugins.autodiscover.requests import MAX_REQUEST_BYTES, AutodiscoverRequestError

logger = logging.getLogger(__name__)

AUTODISCOVER_PATH = "/autodiscover/autodiscover.xml"
AUTOCONFIG_PATHS = (
    "/mail/config-v1.1.xml",
    "/.well-known/autoconfig/mail/config-v1.1.xml",
)
XML_MEDIA_TYPE = "text/xml; charset=utf-8"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="autodiscover", charset="UTF-8"'}
NO_STORE = {"Cache-Control": "no-store"}
# The host name clients ask on for autoconfig by name (autoconfig.<domain>).
AUTOCONFIG_HOST_LABEL = "autoconfig."


class CaselessRoute(Route):
    """A route whose path matches in any letter case; give it in lower case.

    Only this route compares without case; the scope passed on keeps the
    path as the client sent it.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        lowered = {
            **scope,
            "path": scope["path"].lower(),
            "root_path": scope.get("root_path", "").lower(),
        }
        return super().matches(lowered)


async def serve_autodiscover(request: Request) -> Response:
    """Answer a signed-in client's autodiscover request."""
    client = request.client.host if request.client else None
    credentials = signin.parse_basic(request.headers.get("authorization", ""), client)
    if credentials is None:
        return Response(status_code=401, headers=CHALLENGE)
    body = await _read_capped(request, MAX_REQUEST_BYTES)

    runtime = request.app.state.runtime
    try:
        result = await run_in_threadpool(_discover, runtime, credentials, body)
    except AutodiscoverRequestError:
        return Response(status_code=400)
    if result.retry_after:
        return Response(status_code=429, headers=_retry(result.retry_after))
    if result.answer is None:
        return Response(status_code=401, headers=CHALLENGE)
    return Response(result.answer, media_type=XML_MEDIA_TYPE, headers=NO_STORE)


def _discover(runtime, credentials: signin.Credentials, body: bytes):
    with session_scope(runtime.engine, write=False) as session:
        return service.discover(session, runtime, credentials, body)


async def serve_autoconfig(request: Request) -> Response:
    """Answer an autoconfig request for the domain of the address asked about."""
    name = _autoconfig_domain(request)
    if name is None:
        return Response(status_code=404)

    runtime = request.app.state.runtime
    answer = await run_in_threadpool(_autoconfig, runtime, name)
    if answer is None:
        return Response(status_code=404)
    return Response(answer, media_type=XML_MEDIA_TYPE)


def _autoconfig(runtime, name: str) -> bytes | None:
    with session_scope(runtime.engine, write=False) as session:
        return service.answer_autoconfig(session, runtime, name)


def _autoconfig_domain(request: Request) -> str | None:
    """The domain part of ``emailaddress``, else the ``autoconfig.`` host's."""
    address = request.query_params.get("emailaddress", "").strip()
    if address:
        local, at, domain = address.rpartition("@")
        return domain if at and local and domain else None
    host = (request.url.hostname or "").lower()
    if host.startswith(AUTOCONFIG_HOST_LABEL):
        return host.removeprefix(AUTOCONFIG_HOST_LABEL)
    return None


async def _read_capped(request: Request, cap: int) -> bytes:
    """The body, or its first bytes past ``cap`` when longer (the parser refuses)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            break
    return b"".join(chunks)


def _retry(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}


def routes() -> list[Route]:
    autoconfig = [
        Route(path, serve_autoconfig, methods=["GET"]) for path in AUTOCONFIG_PATHS
    ]
    autodiscover = CaselessRoute(
        AUTODISCOVER_PATH, serve_autodiscover, methods=["POST"]
    )
    return [autodiscover, *autoconfig]
