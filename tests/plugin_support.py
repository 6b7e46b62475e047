"""For tests of plugins and licensing: licenses signed with a test keypair,
runtimes that run under them, and domains with users to give access to."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete

from core.config import Config
from core.db import session_scope
from core.licensing import (
    Edition,
    LicensePayload,
    generate_keypair,
    load_private_key,
    sign_license,
)
from core.models import ServerSetting
from core.principal import Principal, Role
from core.runtime import Runtime, build_runtime
from core.services.domains import DomainCreate, create_domain
from core.services.license import SETTING_KEY
from core.services.users import UserCreate, create_user

PASSWORD = "pw-123456"
SYSTEM = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=1)

PRIVATE_PEM, PUBLIC_PEM = generate_keypair()
PRIVATE_KEY = load_private_key(PRIVATE_PEM)
STRANGER_KEY = load_private_key(generate_keypair()[0])
ENTERPRISE_FEATURES = ("eas", "mapi_ews")


def issue_license(
    *,
    edition: str = "enterprise",
    features: tuple[str, ...] = ENTERPRISE_FEATURES,
    mailbox_cap: int | None = None,
    issued_ago: timedelta = timedelta(hours=1),
    lifetime: timedelta = timedelta(days=365),
    license_id: str = "test-license",
    key=PRIVATE_KEY,
) -> str:
    """The text of a license file signed with the test key (or ``key``)."""
    issued = datetime.now(UTC).replace(microsecond=0) - issued_ago
    payload = LicensePayload(
        license_id=license_id,
        licensee="Test Licensee",
        edition=Edition(edition),
        features=features,
        mailbox_cap=mailbox_cap,
        issued_at=issued,
        expires_at=issued + lifetime,
    )
    return sign_license(payload, key)


def expired_license(**changes) -> str:
    return issue_license(
        issued_ago=timedelta(days=400), lifetime=timedelta(days=365), **changes
    )


def licensed_config(
    config: Config, folder: Path, text: str | None = None, **changes
) -> Config:
    """``config`` with a license file (enterprise by default) and the test key."""
    path = folder / "mailplane.license"
    path.write_text(issue_license() if text is None else text)
    return replace(config, license_file=path, license_public_key=PUBLIC_PEM, **changes)


def licensed_runtime(runtime: Runtime, folder: Path, modules: list, **changes):
    """A runtime on ``runtime``'s database (already emptied), licensed."""
    config = licensed_config(runtime.config, folder, **changes)
    return build_runtime(config, plugin_modules=modules)


def add_domain(
    runtime: Runtime,
    name: str,
    *,
    settings: dict | None = None,
    users: tuple[str, ...] = (),
) -> None:
    """A domain with administrator ``admin@<name>``, ``users`` and a patch of
    its settings (snake_case fields)."""
    with session_scope(runtime.engine) as session:
        domain = create_domain(session, runtime, DomainCreate(name, "admin", PASSWORD))
        if settings:
            domain.settings = runtime.registry.apply_patch(
                "domain", domain.settings, settings, prefix="settings"
            )
            session.add(domain)
    for local_part in users:
        with session_scope(runtime.engine) as session:
            create_user(
                session, runtime, SYSTEM, UserCreate(f"{local_part}@{name}", PASSWORD)
            )


def forget_installed_license(runtime: Runtime) -> None:
    """Remove a license installed through the API, so no later test loads it."""
    with session_scope(runtime.engine) as session:
        session.execute(delete(ServerSetting).where(ServerSetting.key == SETTING_KEY))


_schemas: dict[tuple, object] = {}


def schema_for(runtime: Runtime):
    """A schema per set of active plugins, built once per process.

    ``tests.conftest.cached_schema`` keys on the names of known plugins,
    which are the same whether a license grants them or not.
    """
    from core.schema.builder import build_schema

    statuses = runtime.plugins.statuses
    key = (
        tuple(sorted((name, s.state.value) for name, s in statuses.items())),
        runtime.config.suggestions,
    )
    if key not in _schemas:
        _schemas[key] = build_schema(runtime)
    return _schemas[key]
