"""Propagation: copying chosen settings from a template to existing rows.

Settings are named by path: a field (``limits.diskSpaceMb``), a whole
section (``throttling``), a field or a whole object inside a nested model
(``autodiscover.imap.port``, ``autodiscover.imap``) or, for domains, a
column of the domain row (``hostname``, ``status``). Domain defaults go to
every domain; user defaults to the users of all domains or of the named
ones. Either way it is one SQL UPDATE in the caller's transaction (see
``core.services.propagation_sql``), so it stays fast at any size. A domain
is refused, reported and left unchanged, when its name would make an
expanded value invalid (``core.services.template_expansion``), when a
propagated field would not fit the rest of its section there
(``core.services.propagation_mixes``) or, for user propagation, when a
plugin refuses it (``validate_user_propagation``).
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from core.db import on_commit
from core.errors import InvalidInput, InvalidInputs, NotFound
from core.models import Domain
from core.runtime import Runtime
from core.services import audit, propagation_sql
from core.services.feature_gates import (
    domains_withholding,
    gated_user_fields,
    licensed_field_errors,
)
from core.services.propagation_mixes import BrokenMix, broken_mixes
from core.services.propagation_preview import (
    PreviewPage,
    PreviewWindow,
    preview_domains,
    preview_users,
)
from core.services.propagation_sql import DOMAIN_COLUMNS, SettingWrite, uncovered
from core.services.template_expansion import BrokenExpansion, broken_expansions
from core.services.templates import (
    DomainTemplate,
    expand_variables,
    read_domain_template,
    read_template_settings,
)
from core.settings.section import Scope
from core.text import quoted, to_camel
from core.validation import clean_domain_name

logger = logging.getLogger(__name__)

STATUS = "status"


@dataclass(frozen=True)
class Refusal:
    """Why a domain is left unchanged: one plugin's reason, or core's.

    Core gives one reason a domain (a broken expansion before a broken mix);
    each judging plugin that refuses gives its own.
    """

    domain_id: int
    domain: str
    plugin: str
    message: str


@dataclass(frozen=True)
class DomainPropagation:
    """How many domains changed, the refused ones, or (dry run) the preview."""

    changed: int
    page: PreviewPage | None = None
    refused: list[Refusal] = field(default_factory=list)

    @property
    def preview(self) -> list:
        return self.page.rows if self.page else []


@dataclass(frozen=True)
class UserPropagation:
    """How many users changed, the refused domains, or the preview."""

    changed: int
    refused: list[Refusal] = field(default_factory=list)
    page: PreviewPage | None = None

    @property
    def preview(self) -> list:
        return self.page.rows if self.page else []


def propagate_domain_defaults(
    session: Session,
    runtime: Runtime,
    paths: list[str],
    *,
    dry_run: bool = False,
    window: PreviewWindow = PreviewWindow(),
) -> DomainPropagation:
    """Copy the chosen settings of the domain template to every domain.

    A dry run changes nothing and returns the ``window`` page of its preview.
    """
    chosen = _clean_paths(paths)
    template = read_domain_template(session, runtime)
    columns = _chosen_columns(template, chosen)
    writes = plan_writes(runtime, "domain", template.settings, _settings_of(chosen))
    broken = broken_expansions(
        session,
        runtime,
        "domain",
        template.settings,
        writes,
        hostname=columns.get("hostname"),
    )
    refused = _core_refusals(broken, broken_mixes(session, runtime, "domain", writes))
    excluded = {refusal.domain_id for refusal in refused}
    if dry_run:
        page = preview_domains(session, runtime, writes, columns, window, excluded)
        return DomainPropagation(0, page, refused)

    statuses = {}
    if STATUS in columns:
        statuses = _statuses_changing(session, template.status, excluded)
    statement, params = propagation_sql.domain_update(
        _dialect(session), writes, columns, excluded_ids=sorted(excluded)
    )
    changed = _execute(session, statement, params)
    if STATUS in columns:
        # As setDomainStatus, the change lies in the column alone (every
        # login and session check reads it); the UPDATE names no rows, so
        # the audit entry names the domains and the status each had.
        audit.note_change(session, "domains.status", statuses, template.status)
    _note_propagated(session, [*columns, *(w.path for w in writes)], refused)
    audit.note_change(session, "domainsChanged", None, changed)
    on_commit(session, lambda: logger.info("Propagated to %d domains.", changed))
    return DomainPropagation(changed, refused=refused)


def propagate_user_defaults(
    session: Session,
    runtime: Runtime,
    paths: list[str],
    *,
    domains: list[str] | None = None,
    dry_run: bool = False,
    window: PreviewWindow = PreviewWindow(),
) -> UserPropagation:
    """Copy the chosen settings of the user template to the users of domains.

    ``domains`` names the domains whose users change; None or empty means
    all. Domains core or a plugin refuses are reported and left unchanged. A dry
    run changes nothing and returns the ``window`` page of its preview.
    """
    template = read_template_settings(session, runtime, "user")
    writes = plan_writes(runtime, "user", template, _clean_paths(paths))
    scope = chosen_domains(session, domains)
    judges = runtime.plugins.propagation_judges(w.section for w in writes)
    hooked = bool(judges)
    if scope is None and (hooked or dry_run):
        # Plugins judge the domains listed now; the UPDATE must not reach
        # users of a domain created meanwhile, which no plugin has judged.
        scope = _all_domains(session)
    refused = _user_refusals(session, runtime, template, writes, scope, judges)
    excluded = {r.domain_id for r in refused}
    if dry_run:
        kept = [d for d in scope if d.id not in excluded]
        page = preview_users(session, runtime, writes, kept, window)
        return UserPropagation(0, refused, page)

    # Taken before the UPDATE, which expires every loaded row: reading an
    # id afterwards would reload its domain, one query each.
    scope_ids = None if scope is None else [d.id for d in scope]
    statement, params = propagation_sql.user_update(
        _dialect(session),
        writes,
        domain_ids=scope_ids,
        excluded_ids=sorted(excluded),
    )
    changed = _execute(session, statement, params)
    if hooked:
        # Also when nothing changed: the hooks are idempotent, so running
        # the propagation again repairs what plugins keep per domain.
        kept_ids = [i for i in scope_ids if i not in excluded]
        runtime.plugins.after_user_propagation(
            judges,
            session=session,
            runtime=runtime,
            domain_ids=kept_ids,
            changes=changes_of(writes),
        )
    _note_propagated(session, [w.path for w in writes], refused)
    audit.note_change(session, "usersChanged", None, changed)
    on_commit(session, lambda: logger.info("Propagated to %d users.", changed))
    return UserPropagation(changed, refused)


def _note_propagated(session: Session, paths: list[str], refused: list) -> None:
    """Tell the audit entry what was copied and how many domains were left
    out (a count: the result lists them, and they may be thousands)."""
    audit.note_change(session, "settings", None, paths)
    if refused:
        left_out = len({refusal.domain_id for refusal in refused})
        audit.note_change(session, "domainsRefused", None, left_out)


def validate_paths(
    session: Session, runtime: Runtime, scope: Scope, paths: list[str]
) -> None:
    """Raise what a propagation of ``paths`` would (``UNKNOWN_SETTING``)."""
    chosen = _clean_paths(paths)
    if scope == "domain":
        chosen = _settings_of(chosen)
    template = read_template_settings(session, runtime, scope)
    plan_writes(runtime, scope, template, chosen)


def plan_writes(
    runtime: Runtime, scope: Scope, template: dict, paths: list[tuple[int, str]]
) -> list[SettingWrite]:
    """Resolve ``(input index, path)`` pairs into the template values to copy.

    An unknown path raises ``UNKNOWN_SETTING`` for its input index, a
    domain value the license doesn't allow switching on ``LICENSE_REQUIRED``.
    A path inside another chosen one (a field of a section, or of a nested
    object, chosen whole) is dropped.
    """
    resolved: dict[tuple[str, str | None], int] = {}
    errors = []
    for index, path in paths:
        try:
            resolved.setdefault(runtime.registry.resolve_path(scope, path), index)
        except InvalidInput as exc:
            errors.append(
                InvalidInput(exc.message, field=f"settings.{index}", code=exc.code)
            )
    if errors:
        raise InvalidInputs(errors)
    defaults = runtime.registry.defaults(scope)
    writes = {
        index: _write(template, section, name, defaults)
        for (section, name), index in resolved.items()
    }
    if scope == "domain":
        _validate_licensed(runtime, writes)
    return uncovered(list(writes.values()))


def _validate_licensed(runtime: Runtime, writes: dict[int, SettingWrite]) -> None:
    """Refuse copying an Enterprise-only value on that the license withholds."""
    errors = []
    for index, write in writes.items():
        if write.field is not None and "." in write.field:
            continue
        value = write.value if write.field is None else {write.field: write.value}
        for error in licensed_field_errors(runtime.license, {write.section: value}):
            errors.append(
                type(error)(error.message, field=f"settings.{index}", code=error.code)
            )
    if errors:
        raise InvalidInputs(errors)


def changes_of(writes: list[SettingWrite], domain_name: str | None = None) -> dict:
    """``{section: {field: value}}`` of the writes; variables expanded if named.

    A value in a nested object sits in nested dicts
    (``{"autodiscover": {"imap": {"port": 993}}}``).
    """
    changes: dict[str, Any] = {}
    for write in writes:
        *parents, last = write.keys
        node = changes
        for key in parents:
            node = node.setdefault(key, {})
        value = write.value
        node[last] = dict(value) if isinstance(value, dict) else value
    return changes if domain_name is None else expand_variables(changes, domain_name)


def _chosen_columns(
    template: DomainTemplate, chosen: list[tuple[int, str]]
) -> dict[str, str]:
    """The chosen domain columns with the template's values, hostname first."""
    paths = {path for _, path in chosen}
    return {
        column: getattr(template, column)
        for column in DOMAIN_COLUMNS
        if column in paths
    }


def _settings_of(chosen: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The chosen domain paths that name settings, not columns."""
    return [(index, path) for index, path in chosen if path not in DOMAIN_COLUMNS]


def _write(
    template: dict, section: str, name: str | None, defaults: dict
) -> SettingWrite:
    if name is None:
        return SettingWrite(
            section, section, None, template[section], defaults[section]
        )
    value, default = template[section], defaults[section]
    for key in name.split("."):
        value, default = value[key], default[key]
    path = ".".join([section, *(to_camel(key) for key in name.split("."))])
    return SettingWrite(path, section, name, value, default)


def _clean_paths(paths: list[str]) -> list[tuple[int, str]]:
    """Each distinct path with the index it first has in the input."""
    first: dict[str, int] = {}
    for index, path in enumerate(paths):
        first.setdefault(path.strip(), index)
    cleaned = [(index, path) for path, index in first.items()]
    if not cleaned:
        raise InvalidInput(
            "Name at least one setting to propagate.",
            field="settings",
            code="REQUIRED",
        )
    return cleaned


def chosen_domains(session: Session, names: list[str] | None) -> list[Domain] | None:
    """The named domains (``DOMAIN_NOT_FOUND`` for a missing one); None for all."""
    if not names:
        return None
    cleaned = {}
    for index, raw in enumerate(names):
        try:
            cleaned[index] = clean_domain_name(raw)
        except InvalidInput:
            raise _no_domain(raw, index) from None
    found = session.exec(select(Domain).where(Domain.name.in_(cleaned.values())))
    by_name = {domain.name: domain for domain in found}
    for index, name in cleaned.items():
        if name not in by_name:
            raise _no_domain(names[index], index)
    return list(by_name.values())


def _no_domain(raw: str, index: int) -> NotFound:
    return NotFound(
        f"No domain named {quoted(raw)}.",
        field=f"domains.{index}",
        code="DOMAIN_NOT_FOUND",
    )


def _statuses_changing(
    session: Session, status: str, excluded: set[int]
) -> dict[str, str]:
    """The domains whose status differs from ``status``, with the one they have.

    Read in the propagating transaction; on PostgreSQL a status set by
    another transaction meanwhile is missed here, not in the UPDATE.
    """
    rows = session.exec(
        select(Domain.id, Domain.name, Domain.status)
        .where(Domain.status != status)
        .order_by(Domain.name)
    )
    return {name: old for id_, name, old in rows if id_ not in excluded}


def _user_refusals(
    session: Session,
    runtime: Runtime,
    template: dict,
    writes: list[SettingWrite],
    scope: list[Domain] | None,
    judges: list[str],
) -> list[Refusal]:
    """Core's refusals, then the judging plugins' of the other domains."""
    broken = broken_expansions(session, runtime, "user", template, writes, scope)
    scope_ids = None if scope is None else [domain.id for domain in scope]
    mixes = broken_mixes(session, runtime, "user", writes, scope_ids)
    refused = _core_refusals(
        broken, mixes + _features_off(session, runtime, writes, scope)
    )
    if judges:
        broken_ids = {refusal.domain_id for refusal in refused}
        judged = [domain for domain in scope if domain.id not in broken_ids]
        refused += _refusals(session, runtime, judges, judged, writes)
    return refused


def _features_off(
    session: Session,
    runtime: Runtime,
    writes: list[SettingWrite],
    scope: list[Domain] | None,
) -> list[BrokenMix]:
    """The domains whose features withhold a user value being switched on."""
    gated = [g for w in writes for g in gated_user_fields(w.section, w.field, w.value)]
    if not gated:
        return []
    domains = scope if scope is not None else _all_domains(session)
    return [BrokenMix(*found) for found in domains_withholding(runtime, gated, domains)]


def _core_refusals(
    expansions: list[BrokenExpansion], mixes: list[BrokenMix]
) -> list[Refusal]:
    """One refusal a domain: a broken expansion first, else a broken mix."""
    refused = {b.domain_id: b for b in mixes} | {b.domain_id: b for b in expansions}
    found = sorted(refused.values(), key=lambda broken: broken.domain)
    return [Refusal(b.domain_id, b.domain, "core", b.message) for b in found]


def _all_domains(session: Session) -> list[Domain]:
    return list(session.exec(select(Domain).order_by(Domain.name)).all())


def _refusals(
    session: Session,
    runtime: Runtime,
    judges: list[str],
    scope: list[Domain],
    writes: list[SettingWrite],
) -> list[Refusal]:
    """Ask the judging plugins about each domain (``validate_user_propagation``)."""
    refused = []
    for domain in scope:
        verdicts = runtime.plugins.validate_user_propagation(
            judges,
            session=session,
            runtime=runtime,
            domain=domain,
            changes=changes_of(writes, domain.name),
        )
        refused += [Refusal(domain.id, domain.name, *v) for v in verdicts]
    return refused


def _execute(session: Session, statement: str, params: dict[str, Any]) -> int:
    result = session.execute(text(statement), params)
    # Rows loaded before the UPDATE hold the old documents.
    session.expire_all()
    return result.rowcount


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
