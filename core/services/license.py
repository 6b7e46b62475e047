"""The license the server runs under: loading it at start-up, installing one.

Two sources may hold a license: the file ``MAILPLANE_LICENSE_FILE`` names,
and one a system administrator installed (stored in the ``server_setting``
row ``license``, so every server process sharing the database sees it). At
start-up both are checked against ``MAILPLANE_LICENSE_PUBLIC_KEY``; of the
valid ones the most recently issued wins, and with none the server runs the
free edition. A refused one is logged and listed in ``problems``.

A license that expires while the server runs gives way to the free edition
at once (``LicenseStatus.in_effect``); the plugin host then refuses what the
plugins it granted offer (``core.plugins``).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Config
from core.db import on_commit
from core.errors import ConfigurationError, InvalidInput
from core.licensing import (
    FREE_LICENSE,
    License,
    LicenseError,
    load_license,
    load_public_key,
)
from core.models import ServerSetting, User
from core.models.base import utcnow

logger = logging.getLogger(__name__)

SETTING_KEY = "license"


class LicenseSource(Enum):
    NONE = "none"
    FILE = "file"
    INSTALLED = "installed"


@dataclass(frozen=True)
class LicenseProblem:
    """A license refused at start-up: where it came from, a code, the reason.

    Codes are ``LICENSE_`` followed by a ``LicenseErrorCode`` value, or
    ``LICENSE_KEY_MISSING``.
    """

    source: LicenseSource
    code: str
    reason: str


# Limitation: other server processes see an installed license only when they
# restart; and a license that expires while the server runs refuses its
# plugins' operations and routes, but their hooks, actors and settings
# sections stay at work until the next start — a periodic re-read of the
# stored license that reloads plugins and rebuilds the schema would lift both.
@dataclass
class LicenseStatus:
    """The license in force, where it came from, and what was refused.

    ``now`` is the clock expiry is judged by (aware UTC); tests replace it.
    """

    license: License = FREE_LICENSE
    source: LicenseSource = LicenseSource.NONE
    problems: list[LicenseProblem] = field(default_factory=list)
    now: Callable[[], datetime] = utcnow
    # The license whose expiry was last logged, so it is logged once.
    _noticed: License | None = field(default=None, repr=False, compare=False)

    def expired_at(self) -> datetime | None:
        """When the license in force expired; None while it holds.

        A clock read and a comparison, cheap enough for every request.
        """
        expires = self.license.expires_at
        if expires is None or self.now() < expires:
            return None
        if self._noticed is not self.license:
            self._noticed = self.license
            logger.warning(
                "License %s expired at %s; the server runs the free edition "
                "for what it granted until a valid license is installed.",
                self.license.license_id,
                expires.isoformat(),
            )
        return expires

    def in_effect(self) -> License:
        """The license in force, or the free edition once it has expired."""
        return FREE_LICENSE if self.expired_at() else self.license


def load_license_status(config: Config, engine: Engine) -> LicenseStatus:
    """Check the configured and the installed license; keep the newest valid one.

    Raises ``ConfigurationError`` when the license file can't be read or no
    usable public key is configured to check it with.
    """
    key = read_public_key(config)
    status = LicenseStatus()
    candidates: list[tuple[License, LicenseSource]] = []
    sources = [
        (LicenseSource.FILE, _read_license_file(config)),
        (LicenseSource.INSTALLED, _read_installed_text(engine)),
    ]
    for source, document in sources:
        if document is None:
            continue
        license = _check_at_start(document, key, source, status.problems)
        if license is not None:
            candidates.append((license, source))

    if candidates:
        status.license, status.source = max(candidates, key=lambda c: c[0].issued_at)
    logger.info(
        "Running the %s edition (license %s, from %s).",
        status.license.edition.value,
        status.license.license_id,
        status.source.value,
    )
    return status


def read_public_key(config: Config) -> Ed25519PublicKey | None:
    """The key licenses are checked with: PEM, base64, or a file holding either."""
    raw = config.license_public_key.strip()
    if not raw:
        return None
    path = Path(raw)
    if not raw.startswith("-----") and len(raw) < 4096 and path.is_file():
        raw = path.read_text()
    try:
        return load_public_key(raw)
    except LicenseError as exc:
        raise ConfigurationError(
            f"MAILPLANE_LICENSE_PUBLIC_KEY is unusable: {exc.reason} Set it to "
            "the vendor's Ed25519 public key (PEM, base64, or a file path)."
        ) from exc


def _read_license_file(config: Config) -> str | None:
    if config.license_file is None:
        return None
    try:
        return config.license_file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigurationError(
            f"MAILPLANE_LICENSE_FILE={config.license_file} can't be read "
            f"({exc.strerror}); fix the path or unset it to run the free edition."
        ) from exc


def _read_installed_text(engine: Engine) -> str | None:
    # A database not migrated yet has no installed license.
    if not inspect(engine).has_table(ServerSetting.__tablename__):
        return None
    with Session(engine) as session:
        row = session.get(ServerSetting, SETTING_KEY)
        return row.value.get("text") if row else None


def _check_at_start(
    document: str,
    key: Ed25519PublicKey | None,
    source: LicenseSource,
    problems: list[LicenseProblem],
) -> License | None:
    if key is None:
        if source is LicenseSource.FILE:
            raise ConfigurationError(
                "MAILPLANE_LICENSE_FILE is set but MAILPLANE_LICENSE_PUBLIC_KEY "
                "is not; set it to the vendor's public key to check the license."
            )
        reason = "MAILPLANE_LICENSE_PUBLIC_KEY is not set, so it can't be checked."
        problems.append(LicenseProblem(source, "LICENSE_KEY_MISSING", reason))
        return None
    try:
        return load_license(document, key, now=utcnow())
    except LicenseError as exc:
        logger.error("Refused the %s license: %s", source.value, exc.reason)
        code = f"LICENSE_{exc.code.value}"
        problems.append(LicenseProblem(source, code, exc.reason))
        return None


def install_license(
    session: Session, config: Config, status: LicenseStatus, document: str, by: str
) -> License:
    """Check and store a license; the one in force changes once this commits.

    Raises ``InvalidInput`` (field ``text``, codes ``LICENSE_MALFORMED``,
    ``LICENSE_FORGED``, ``LICENSE_EXPIRED``, ``LICENSE_UNKNOWN_EDITION``,
    ``LICENSE_KEY_MISSING``) and changes nothing when it is refused.
    """
    key = read_public_key(config)
    if key is None:
        raise InvalidInput(
            "No license can be checked: MAILPLANE_LICENSE_PUBLIC_KEY is not set.",
            field="text",
            code="LICENSE_KEY_MISSING",
        )
    try:
        license = load_license(document, key, now=utcnow())
    except LicenseError as exc:
        logger.warning("Refused a license installed by %s: %s", by, exc.code)
        raise InvalidInput(
            exc.reason, field="text", code=f"LICENSE_{exc.code.value}"
        ) from exc

    row = session.get(ServerSetting, SETTING_KEY) or ServerSetting(key=SETTING_KEY)
    row.value = {"text": document, "installed_at": utcnow().isoformat(), "by": by}
    session.add(row)
    on_commit(session, lambda: _put_in_force(status, license, by))
    return license


def _put_in_force(status: LicenseStatus, license: License, by: str) -> None:
    status.license, status.source = license, LicenseSource.INSTALLED
    logger.info(
        "%s installed license %s for %s (%s edition).",
        by,
        license.license_id,
        license.licensee,
        license.edition.value,
    )


def count_mailboxes(session: Session) -> int:
    """Users of every domain: what the license's mailbox cap counts."""
    return session.execute(select(func.count()).select_from(User)).scalar_one()


def describe_status(status: LicenseStatus) -> list[str]:
    """The lines ``mailplane license show`` prints."""
    document = status.license
    cap = document.mailbox_cap
    lines = [
        f"Edition:     {document.edition.value}",
        f"Licensee:    {document.licensee}",
        f"License id:  {document.license_id}",
        f"Features:    {', '.join(document.features) or 'none'}",
        f"Mailbox cap: {'unlimited' if cap is None else cap}",
        f"Issued:      {_when(document.issued_at)}",
        f"Expires:     {_when(document.expires_at)}{_expired(status)}",
        f"Source:      {status.source.value}",
    ]
    return lines + [
        f"Refused:     the {problem.source.value} license ({problem.code}): "
        f"{problem.reason}"
        for problem in status.problems
    ]


def _when(moment) -> str:
    return "-" if moment is None else moment.isoformat()


def _expired(status: LicenseStatus) -> str:
    return " (expired since start-up)" if status.expired_at() else ""
