"""Configuration read from ``MAILPLANE_*`` environment variables."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigurationError

DEFAULT_PORT = 8025


@dataclass(frozen=True)
class Config:
    """What the server runs with; every field has an embedded default."""

    data_dir: Path = Path("mailplane-data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    admin_password: str | None = None
    broker_url: str = ""
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
        port=_int(env, "MAILPLANE_PORT", DEFAULT_PORT),
        admin_password=get("MAILPLANE_ADMIN_PASSWORD") or None,
        broker_url=get("MAILPLANE_BROKER_URL", ""),
        smtp_url=get("MAILPLANE_SMTP_URL", ""),
        plugins=_plugin_switches(get("MAILPLANE_PLUGINS", "")),
        license_file=_optional_path(get("MAILPLANE_LICENSE_FILE")),
        license_public_key=get("MAILPLANE_LICENSE_PUBLIC_KEY", ""),
        graphiql=_bool(env, "MAILPLANE_GRAPHIQL", True),
        introspection=_bool(env, "MAILPLANE_INTROSPECTION", True),
        suggestions=_bool(env, "MAILPLANE_SUGGESTIONS", True),
        token_ttl_seconds=_int(env, "MAILPLANE_TOKEN_TTL", 12 * 3600),
        max_page_size=_int(env, "MAILPLANE_MAX_PAGE_SIZE", 500),
        domain_roots=_paths(get("MAILPLANE_DOMAIN_ROOTS", "")),
    )


def _int(env, name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(
            f"{name} must be a whole number, not {raw!r}."
        ) from None


def _bool(env, name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}.")


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
