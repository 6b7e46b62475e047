"""API keys: credentials for portals, scoped to the server or to some domains.

A key's secret is ``mpk_`` and 43 random URL-safe characters, shown once
at creation; only its SHA-256 is stored (the secret carries 256 bits, so
a fast hash is enough). It is sent as ``Authorization: Bearer <secret>``
like a session token; the prefix tells the two apart. A key scoped to
domains (a reseller's) reaches only those, and a domain it creates joins
them. A read-only key can't run mutations.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from sqlalchemy import false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.db import on_commit, session_scope
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.models import ApiKey, ApiKeyDomain, Domain
from core.models.base import as_utc, utcnow
from core.pagination import Page, after_condition
from core.principal import Principal, Role, require_authenticated
from core.services import audit
from core.services.scope import find_domain

logger = logging.getLogger(__name__)

API_KEY_PREFIX = "mpk_"
SECRET_BYTES = 32
MAX_NAME_LENGTH = 100
# Last use is written at most this often per key: a busy portal must not
# turn every request into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


class ApiKeyRole(Enum):
    READ_ONLY = "read_only"
    FULL = "full"


@dataclass(frozen=True)
class ApiKeyCreate:
    """A new key; ``domains`` None reaches the whole server."""

    name: str
    role: ApiKeyRole
    domains: list[str] | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ApiKeyRow:
    """A key with the names of its domains (None: the whole server)."""

    key: ApiKey
    domains: list[str] | None


def require_admin_account(principal: Principal) -> Principal:
    """A system administrator signed in as itself: not a key, not a session
    acting for someone else."""
    require_authenticated(principal)
    if principal.role is not Role.SYSTEM_ADMIN or principal.system_admin_id is None:
        raise PermissionDenied("Only a system administrator may do this.")
    return principal


def refuse_read_only(principal: Principal) -> None:
    """Read-only keys change nothing."""
    if principal.read_only:
        raise PermissionDenied("This API key is read-only.", code="PERMISSION_DENIED")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session, principal: Principal, data: ApiKeyCreate
) -> tuple[ApiKeyRow, str]:
    """Store a key and return it with its secret, shown this once."""
    require_admin_account(principal)
    name = _clean_name(data.name)
    domains = None if data.domains is None else _find_domains(session, data.domains)
    expires_at = _clean_expiry(data.expires_at)

    secret = API_KEY_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(
        name=name,
        prefix=secret[:12],
        secret_hash=hash_secret(secret),
        role=data.role.value,
        all_domains=domains is None,
        created_by_id=principal.system_admin_id,
        expires_at=expires_at,
    )
    session.add(key)
    _flush_unique(session, name)
    for domain in domains or []:
        session.add(ApiKeyDomain(api_key_id=key.id, domain_id=domain.id))
    names = None if domains is None else [domain.name for domain in domains]
    audit.set_target(session, audit.Target("api_key", name))
    audit.note_change(session, "domains", None, names)
    return ApiKeyRow(key, names), secret


def _clean_name(raw: str) -> str:
    name = raw.strip()
    if not 0 < len(name) <= MAX_NAME_LENGTH or not name.isprintable():
        raise InvalidInput(
            f"A key's name has 1 to {MAX_NAME_LENGTH} printable characters.",
            field="name",
            code="INVALID",
        )
    return name


def _find_domains(session: Session, names: list[str]) -> list[Domain]:
    found: dict[int, Domain] = {}
    for index, name in enumerate(names):
        domain = find_domain(session, name)
        if domain is None:
            raise NotFound(
                f"No domain named {name!r}.",
                field=f"domains.{index}",
                code="DOMAIN_NOT_FOUND",
            )
        found[domain.id] = domain
    return list(found.values())


def _clean_expiry(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    value = as_utc(value).astimezone(UTC)
    if value <= utcnow():
        raise InvalidInput(
            "The expiry must lie in the future.",
            field="expiresAt",
            code="EXPIRY_IN_PAST",
        )
    return value


def _flush_unique(session: Session, name: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"A key named {name!r} exists already.",
            field="name",
            code="API_KEY_EXISTS",
        ) from None


def revoke_api_key(session: Session, principal: Principal, key_id: int) -> ApiKeyRow:
    """Revoke a key for good; revoking it again changes nothing."""
    require_admin_account(principal)
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"No API key {key_id}.", field="id", code="API_KEY_NOT_FOUND")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
    audit.set_target(session, audit.Target("api_key", key.name))
    return ApiKeyRow(key, _domain_names(session, [key])[key.id])


def list_api_keys(
    session: Session,
    principal: Principal,
    *,
    first: int,
    after: str | None,
    include_revoked: bool,
) -> Page:
    """Newest keys first, with their domains, in three queries."""
    require_admin_account(principal)
    conditions = [] if include_revoked else [ApiKey.revoked_at.is_(None)]
    total = session.execute(
        select(func.count(ApiKey.id)).where(*conditions)
    ).scalar_one()
    if after:
        conditions.append(after_condition(ApiKey.id, ApiKey.id, after, True))
    query = (
        select(ApiKey).where(*conditions).order_by(ApiKey.id.desc()).limit(first + 1)
    )
    keys = list(session.execute(query).scalars())
    names = _domain_names(session, keys[:first])
    rows = [ApiKeyRow(key, names[key.id]) for key in keys[:first]]
    return Page(rows, total, len(keys) > first, after is not None)


def _domain_names(session: Session, keys: list[ApiKey]) -> dict[int, list | None]:
    names: dict[int, list | None] = {
        key.id: None if key.all_domains else [] for key in keys
    }
    scoped = [key.id for key in keys if not key.all_domains]
    if scoped:
        pairs = session.execute(
            select(ApiKeyDomain.api_key_id, Domain.name)
            .join(Domain, Domain.id == ApiKeyDomain.domain_id)
            .where(ApiKeyDomain.api_key_id.in_(scoped))
            .order_by(Domain.name)
        )
        for key_id, name in pairs:
            names[key_id].append(name)
    return names


# Requests made with a key.


def authenticate_api_key(session: Session, secret: str) -> Principal | None:
    """The principal a key's secret stands for; None if unknown, revoked or
    expired."""
    key = session.execute(
        select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret))
    ).scalar_one_or_none()
    now = utcnow()
    if key is None or not key_in_force(key, now):
        return None
    _touch_later(session, key, now)
    return Principal(
        Role.API_KEY,
        key.name,
        api_key_id=key.id,
        key_domain_ids=None if key.all_domains else _domain_ids(session, key.id),
        read_only=key.role == ApiKeyRole.READ_ONLY.value,
    )


def key_in_force(key: ApiKey, now: datetime | None = None) -> bool:
    """Neither revoked nor expired."""
    if key.revoked_at is not None:
        return False
    return key.expires_at is None or as_utc(key.expires_at) > (now or utcnow())


def _domain_ids(session: Session, key_id: int) -> frozenset[int]:
    rows = session.execute(
        select(ApiKeyDomain.domain_id).where(ApiKeyDomain.api_key_id == key_id)
    )
    return frozenset(rows.scalars())


def _touch_later(session: Session, key: ApiKey, now: datetime) -> None:
    """Record the use once the request's read has ended, in its own write."""
    last = as_utc(key.last_used_at)
    if last is not None and now - last < TOUCH_INTERVAL:
        return
    engine, key_id = session.get_bind(), key.id
    on_commit(session, lambda: _touch(engine, key_id, now))


def _touch(engine, key_id: int, now: datetime) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(
                    ApiKey.last_used_at.is_(None),
                    ApiKey.last_used_at < now - TOUCH_INTERVAL,
                ),
            )
            .values(last_used_at=now)
        )


def key_domains_condition(principal: Principal, column) -> object:
    """Rows of ``column``'s domains that the key reaches, read live."""
    if principal.role is not Role.API_KEY:
        return false()
    if principal.key_domain_ids is None:
        return column.isnot(None)
    reached = select(ApiKeyDomain.domain_id).where(
        ApiKeyDomain.api_key_id == principal.api_key_id
    )
    return column.in_(reached)


def adopt_domain(session: Session, principal: Principal, domain: Domain) -> None:
    """A domain a scoped key created joins the key's domains."""
    if principal.role is not Role.API_KEY or principal.key_domain_ids is None:
        return
    session.add(ApiKeyDomain(api_key_id=principal.api_key_id, domain_id=domain.id))


# Jobs a key starts (exports) keep to the key's domains when they run.

SCOPE_PARAM = "scope_api_key_id"


def job_scope_params(principal: Principal) -> dict[str, int]:
    """Params that keep a job of a domain-scoped key to the key's domains."""
    if principal.role is not Role.API_KEY or principal.key_domain_ids is None:
        return {}
    return {SCOPE_PARAM: principal.api_key_id}


def job_scope_conditions(params: dict | None, column) -> list:
    """Conditions on ``column`` (a domain id) for a job's rows, read live."""
    key_id = (params or {}).get(SCOPE_PARAM)
    if key_id is None:
        return []
    reached = select(ApiKeyDomain.domain_id).where(ApiKeyDomain.api_key_id == key_id)
    return [column.in_(reached)]
