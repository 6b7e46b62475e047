"""Configuration read from ``MAILPLANE_*`` environment variables."""

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigurationError

DEFAULT_PORT = 8025
# What uvicorn trusts when told nothing, so that an unset variable changes
# nothing for a server already behind a proxy on the same machine.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")


@dataclass(frozen=True)
class Config:
    """What the server runs with; every field has an embedded default."""

    data_dir: Path = Path("mailplane-data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    # Peers whose X-Forwarded-For names the client; empty trusts no proxy.
    trusted_proxies: tuple[str, ...] = DEFAULT_TRUSTED_PROXIES
    admin_password: str | None = None
    broker_url: str = ""
    broker_namespace: str = "mailplane"
    broker_heartbeat_ms: int = 60_000
    smtp_url: str = ""
    plugins: dict[str, bool] = field(default_factory=dict)
    license_file: Path | None = None
    license_public_key: str = ""
    graphiql: bool = True
    introspection: bool = True
    suggestions: bool = True
    token_ttl_seconds: int = 12 * 3600
    max_page_size: int = 500
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    domain_roots: tuple[Path, ...] = ()
    # Rows (domains, or users of the chosen domains) beyond which a
    # propagation runs as a job instead of inside the request.
    propagation_job_rows: int = 20_000

    @property
    def domains_dir(self) -> Path:
        return self.data_dir / "domains"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'mailplane.db').resolve()}"

    @property
    def allowed_domain_roots(self) -> tuple[Path, ...]:
        """Folders under which a domain's folder may live."""
        return (self.domains_dir, *self.domain_roots)


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Read the configuration; a malformed value stops start-up."""
    env = os.environ if environ is None else environ
    get = env.get
    data_dir = Path(get("MAILPLANE_DATA_DIR", "mailplane-data")).absolute()

    return Config(
        data_dir=data_dir,
        database_url=get("MAILPLANE_DATABASE_URL", ""),
        host=get("MAILPLANE_HOST", "127.0.0.1"),
        port=_int(env, "MAILPLANE_PORT", DEFAULT_PORT, low=1, high=65535),
        trusted_proxies=_proxies(env, "MAILPLANE_TRUSTED_PROXIES"),
        admin_password=get("MAILPLANE_ADMIN_PASSWORD") or None,
        broker_url=get("MAILPLANE_BROKER_URL", ""),
        broker_namespace=_name(env, "MAILPLANE_BROKER_NAMESPACE", "mailplane"),
        broker_heartbeat_ms=_int(env, "MAILPLANE_BROKER_HEARTBEAT_MS", 60_000, low=100),
        smtp_url=get("MAILPLANE_SMTP_URL", ""),
        plugins=_plugin_switches(get("MAILPLANE_PLUGINS", "")),
        license_file=_optional_path(get("MAILPLANE_LICENSE_FILE")),
        license_public_key=get("MAILPLANE_LICENSE_PUBLIC_KEY", ""),
        graphiql=_bool(env, "MAILPLANE_GRAPHIQL", True),
        introspection=_bool(env, "MAILPLANE_INTROSPECTION", True),
        suggestions=_bool(env, "MAILPLANE_SUGGESTIONS", True),
        token_ttl_seconds=_int(env, "MAILPLANE_TOKEN_TTL", 12 * 3600, low=60),
        max_page_size=_int(env, "MAILPLANE_MAX_PAGE_SIZE", 500, low=1),
        max_query_depth=_int(env, "MAILPLANE_MAX_QUERY_DEPTH", 12, low=1),
        max_aliases=_int(env, "MAILPLANE_MAX_ALIASES", 30, low=0),
        max_tokens=_int(env, "MAILPLANE_MAX_TOKENS", 4000, low=100),
        domain_roots=_paths(get("MAILPLANE_DOMAIN_ROOTS", "")),
        propagation_job_rows=_int(env, "MAILPLANE_PROPAGATION_JOB_ROWS", 20_000),
    )


def _int(env, name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a whole number, not {raw!r}."
        ) from None
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ConfigurationError(f"{name} must be {bounds}, not {value}.")
    return value


def _name(env, name: str, default: str) -> str:
    raw = env.get(name) or default
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,62}", raw):
        raise ConfigurationError(
            f"{name} must be a letter then letters, digits, - or _, not {raw!r}."
        )
    return raw


def _bool(env, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}.")


def _proxies(env, name: str) -> tuple[str, ...]:
    """IP addresses and networks, normalised; set but empty means none."""
    raw = env.get(name)
    if raw is None:
        return DEFAULT_TRUSTED_PROXIES
    items = raw.split(",")
    try:
        return tuple(_proxy(item.strip()) for item in items if item.strip())
    except ValueError as exc:
        raise ConfigurationError(
            f"{name} must list IP addresses or networks (10.0.0.0/8) separated "
            f"by commas, or be empty to trust no proxy: {exc}."
        ) from None


def _proxy(item: str) -> str:
    if "/" in item:
        return str(ipaddress.ip_network(item, strict=False))
    return str(ipaddress.ip_address(item))


def _optional_path(raw: str | None) -> Path | None:
    return Path(raw).absolute() if raw else None


def _paths(raw: str) -> tuple[Path, ...]:
    return tuple(Path(p).absolute() for p in raw.split(os.pathsep) if p)


def _plugin_switches(raw: str) -> dict[str, bool]:
    """Parse ``eas,-mapi_ews`` into ``{"eas": True, "mapi_ews": False}``."""
    switches = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        enabled = not item.startswith("-")
        switches[item.lstrip("+-")] = enabled
    return switches
