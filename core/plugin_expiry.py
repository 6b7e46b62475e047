"""What a plugin a license loaded offers once that license has expired.

A plugin that only a license loads (above the free edition, or naming a
feature) stays registered when the license expires while the server runs:
unloading it would mean rebuilding the schema. Instead the host reports it
lapsed, and each way in refuses it per request: the GraphQL guard
(``core.schema.license_guard``), its routes (``guard_route``) and the
``plugins`` query (``lapsed_status``).
"""

from collections.abc import Callable
from datetime import datetime

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from core.licensing import FREE_LICENSE
from core.plugin_info import PluginInfo, PluginState, PluginStatus, decide_state

LICENSE_EXPIRED = "LICENSE_EXPIRED"

# The WebSocket close code for a policy violation: the closest to a 403.
POLICY_VIOLATION = 1008


def needs_license(info: PluginInfo) -> bool:
    """Whether the free edition would leave the plugin unloaded."""
    state, _reason = decide_state(info, {info.name: True}, FREE_LICENSE)
    return state is PluginState.NEEDS_LICENSE


def lapsed_status(status: PluginStatus, expired_at: datetime) -> PluginStatus:
    """The status a loaded plugin shows once the license that loaded it expired."""
    reason = (
        f"The license that loaded it expired at {expired_at:%Y-%m-%d %H:%M} UTC; "
        "install a valid license to use it again."
    )
    return PluginStatus(status.info, PluginState.NEEDS_LICENSE, reason)


def guard_route(route: object, plugin: str, lapsed: Callable[[], frozenset]) -> None:
    """Make ``route`` answer 403 while ``plugin`` is among ``lapsed()``.

    Every starlette route (``Route``, ``WebSocketRoute``, ``Mount``, ``Host``)
    hands requests to its ``app``; that is what gets wrapped.
    """
    app = getattr(route, "app", None)
    if app is not None and not isinstance(app, ExpiryGuard):
        route.app = ExpiryGuard(app, plugin, lapsed)


class ExpiryGuard:
    """An ASGI app passing requests on until its plugin's license expires."""

    def __init__(
        self, app: ASGIApp, plugin: str, lapsed: Callable[[], frozenset]
    ) -> None:
        self.app = app
        self.plugin = plugin
        self.lapsed = lapsed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.plugin not in self.lapsed():
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await WebSocketClose(POLICY_VIOLATION)(scope, receive, send)
        else:
            await self._refusal()(scope, receive, send)

    def _refusal(self) -> JSONResponse:
        message = (
            f"The license that loaded the plugin {self.plugin!r} has expired; "
            "install a valid license to use it again."
        )
        return JSONResponse(
            {"error": LICENSE_EXPIRED, "message": message}, status_code=403
        )
