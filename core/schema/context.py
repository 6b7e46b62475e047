"""The per-request context resolvers receive."""

from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from core.principal import Principal
from core.runtime import Runtime


@dataclass
class Context:
    """What a resolver may use: the runtime, the caller, per-request caches."""

    runtime: Runtime
    principal: Principal
    client_address: str | None = None
    request: Any = None
    response: Any = None
    cache: dict[str, Any] = field(default_factory=dict)


Info = StrawberryInfo[Context, None]
