"""Who may call every query and mutation, against objects of domain A and B.

``RULES`` holds one line per operation of the schema: the call, and the
roles that may make it against domain A's objects and against domain B's.
The callers are the system administrator, the domain administrator of A,
a user of A, and an anonymous caller. An operation with no line here (and
none declared by its plugin through ``register_operation_rules``) fails
``test_every_operation_has_a_rule``.

Calls are templates: ``$domain``, ``$boss`` (its primary administrator),
``$user``, ``$victim`` (a second user), ``$alias`` (a user alias),
``$dalias`` (a domain alias), ``$job`` (a job of its administrator) and
``$note`` (a notification of its user) name objects of the target domain;
``$new`` is a fresh name for each call. A call is allowed when it returns
no error (or one of the rule's ``passes`` codes, for calls that can only
get past the permission check here); it is refused on an UNAUTHENTICATED,
PERMISSION_DENIED or *_NOT_FOUND error, a null result or an empty list.
Anything else fails the test. A refusal of a caller outside its scope (the
domain administrator or the user on B, the user on anything but its own
account) must look exactly like the refusal for a target that does not exist.
"""

# RULES keeps one operation a line, however long, so that adding one is a line.
# ruff: noqa: E501

import functools
import itertools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select
from starlette.testclient import TestClient

from core.app import create_app
from core.config import Config
from core.db import session_scope
from core.models import Job, Notification, SystemAdmin
from core.principal import Principal, Role
from core.runtime import build_runtime
from core.schema.builder import build_schema
from core.services.admins import ensure_bootstrap_admin
from core.services.auth import issue_token
from core.services.domain_aliases import create_domain_alias
from core.services.domains import DomainCreate, create_domain
from core.services.user_aliases import UserAliasCreate, create_user_alias
from core.services.users import UserCreate, create_user
from tests.conftest import ADMIN_PASSWORD, BACKENDS, cached_schema
from tests.graphql_client import GraphQLClient

SYS = frozenset({"SYSTEM_ADMIN"})
ADMINS = SYS | {"DOMAIN_ADMIN"}
MEMBERS = ADMINS | {"USER"}
EVERYONE = MEMBERS | {"ANONYMOUS"}
NOBODY: frozenset[str] = frozenset()
ROLES = ("SYSTEM_ADMIN", "DOMAIN_ADMIN", "USER", "ANONYMOUS")
PASSWORD = "pw-123456"


@dataclass(frozen=True)
class Rule:
    """An operation's call, and who may make it against A's and B's objects."""

    call: str
    a: frozenset[str]
    b: frozenset[str] | None = None
    passes: frozenset[str] = field(default_factory=frozenset)

    def allowed(self, target: str) -> frozenset[str]:
        return self.a if target == "A" or self.b is None else self.b

    @property
    def roles(self) -> frozenset[str]:
        """Every role that may make the call against some target."""
        return self.a | (self.b or NOBODY)


E = "{ errors { code } }"

# fmt: off
RULES: dict[str, Rule] = {
    # Queries
    "me": Rule("me { role }", MEMBERS),
    "loginDisplay": Rule('loginDisplay(domain: "$domain") { loginTitle }', EVERYONE),
    "domains": Rule('domains(filter: {search: "$domain"}) { totalCount }', ADMINS, SYS),
    "domain": Rule('domain(name: "$domain") { name }', ADMINS, SYS),
    "serverSettings": Rule("serverSettings { twoStepAvailable }", SYS),
    "domainDefaults": Rule("domainDefaults { hostname }", SYS),
    "userDefaults": Rule("userDefaults { settings { serviceAccess { pop } } }", SYS),
    "plugins": Rule("plugins { name }", SYS),
    "license": Rule("license { edition }", SYS),
    "users": Rule('users(domain: "$domain") { totalCount }', ADMINS, SYS),
    "user": Rule('user(email: "$user") { email }', MEMBERS, SYS),
    "userAliases": Rule('userAliases(domain: "$domain") { totalCount }', ADMINS, SYS),
    "userAlias": Rule('userAlias(email: "$alias") { email }', ADMINS, SYS),
    "domainAliases": Rule('domainAliases(domain: "$domain") { totalCount }', ADMINS, SYS),
    "jobs": Rule("jobs { totalCount }", ADMINS),
    "job": Rule('job(id: "$job") { id }', ADMINS, SYS),
    "notifications": Rule("notifications { totalCount }", frozenset({"USER"})),
    # Mutations
    "login": Rule(f'login(input: {{username: "$user", password: "{PASSWORD}"}}) {E}', EVERYONE),
    "logout": Rule(f"logout {E}", MEMBERS),
    "createDomain": Rule(f'createDomain(input: {{name: "$new.test", adminUsername: "x", adminPassword: "{PASSWORD}"}}) {E}', SYS),
    "updateDomain": Rule(f'updateDomain(input: {{name: "$domain", settings: {{misc: {{calendarAutoCleanMonths: 3}}}}}}) {E}', ADMINS, SYS),
    "renameDomain": Rule(f'renameDomain(input: {{name: "$domain", newName: "$new.test"}}) {E}', SYS),
    "changeDomainPath": Rule(f'changeDomainPath(input: {{name: "$domain", folder: "domains/$new"}}) {E}', SYS),
    "changeDomainAdmin": Rule(f'changeDomainAdmin(input: {{name: "$domain", username: "user"}}) {E}', SYS),
    "setDomainStatus": Rule(f'setDomainStatus(input: {{name: "$domain", status: DISABLED}}) {E}', SYS),
    "deleteDomain": Rule(f'deleteDomain(input: {{name: "$domain"}}) {E}', SYS),
    "updateServerSettings": Rule(f"updateServerSettings(input: {{twoStepAvailable: false}}) {E}", SYS),
    "updateDomainDefaults": Rule(f'updateDomainDefaults(input: {{hostname: "mail.%domain%"}}) {E}', SYS),
    "updateUserDefaults": Rule(f"updateUserDefaults(input: {{settings: {{serviceAccess: {{pop: false}}}}}}) {E}", SYS),
    "propagateDomainDefaults": Rule(f'propagateDomainDefaults(input: {{settings: ["limits.users"], dryRun: true}}) {E}', SYS),
    "propagateUserDefaults": Rule(f'propagateUserDefaults(input: {{settings: ["serviceAccess"], domains: ["$domain"], dryRun: true}}) {E}', SYS),
    "installLicense": Rule(f'installLicense(input: {{text: "not a license"}}) {E}', SYS, passes=frozenset({"LICENSE_MALFORMED", "LICENSE_KEY_MISSING"})),
    "createUser": Rule(f'createUser(input: {{email: "$new@$domain", password: "{PASSWORD}"}}) {E}', ADMINS, SYS),
    "updateUser": Rule(f'updateUser(input: {{email: "$user", displayName: "X"}}) {E}', MEMBERS, SYS),
    "deleteUser": Rule(f'deleteUser(input: {{email: "$victim"}}) {E}', ADMINS, SYS),
    "updateMyAccount": Rule(f'updateMyAccount(input: {{displayName: "Me"}}) {E}', frozenset({"DOMAIN_ADMIN", "USER"})),
    "createUserAlias": Rule(f'createUserAlias(input: {{email: "$new@$domain", targets: ["$user"]}}) {E}', ADMINS, SYS),
    "updateUserAlias": Rule(f'updateUserAlias(input: {{email: "$alias", targets: ["$boss"]}}) {E}', ADMINS, SYS),
    "deleteUserAlias": Rule(f'deleteUserAlias(input: {{email: "$alias"}}) {E}', ADMINS, SYS),
    "createDomainAlias": Rule(f'createDomainAlias(input: {{domain: "$domain", alias: "$new.test"}}) {E}', SYS),
    "deleteDomainAlias": Rule(f'deleteDomainAlias(input: {{alias: "$dalias"}}) {E}', SYS),
    "cancelJob": Rule(f'cancelJob(input: {{id: "$job"}}) {E}', ADMINS, SYS),
    "exportDomainsCsv": Rule(f"exportDomainsCsv {E}", SYS),
    "exportUsersCsv": Rule(f"exportUsersCsv {E}", SYS),
    "sendMassEmail": Rule(f'sendMassEmail(input: {{to: DOMAIN_USERS, domain: "$domain", subject: "s", body: "b"}}) {E}', ADMINS, SYS),
    "sendNotification": Rule(f'sendNotification(input: {{to: DOMAIN_USERS, domain: "$domain", subject: "s", body: "b"}}) {E}', ADMINS, SYS),
    "markNotificationRead": Rule(f'markNotificationRead(input: {{id: "$note"}}) {E}', frozenset({"USER"}), NOBODY),
    "attachUser": Rule(f'attachUser(input: {{email: "$new@$domain"}}) {E}', SYS, passes=frozenset({"FOLDER_NOT_FOUND"})),
    "attachFolder": Rule(f'attachFolder(input: {{email: "$user", folderPath: "Inbox"}}) {E}', SYS, passes=frozenset({"FOLDER_NOT_FOUND"})),
    "rebuildFolder": Rule(f'rebuildFolder(input: {{email: "$user", folderPath: "Inbox"}}) {E}', SYS, passes=frozenset({"FOLDER_NOT_FOUND"})),
    "recalculateDiskUsage": Rule(f'recalculateDiskUsage(input: {{domain: "$domain"}}) {E}', SYS),
    "apiKeys": Rule("apiKeys { nodes { name } }", SYS),
    "auditLog": Rule('auditLog(filter: {domain: "$domain"}) { pageInfo { hasNextPage } }', ADMINS, SYS),
    "createApiKey": Rule(f'createApiKey(input: {{name: "$new", domains: ["$domain"], role: READ_ONLY}}) {E}', SYS),
    "revokeApiKey": Rule(f'revokeApiKey(input: {{id: "999999"}}) {E}', SYS, passes=frozenset({"API_KEY_NOT_FOUND"})),
    "impersonateUser": Rule(f'impersonateUser(input: {{email: "$victim"}}) {E}', ADMINS, SYS),
    "impersonateDomain": Rule(f'impersonateDomain(input: {{name: "$domain"}}) {E}', SYS),
    "endImpersonation": Rule(f"endImpersonation {E}", MEMBERS, passes=frozenset({"NOT_IMPERSONATING"})),
    "setAutodiscoverOverride": Rule(f'setAutodiscoverOverride(input: {{domain: "$domain", kind: DESKTOP, enabled: true, xml: "<x/>"}}) {E}', ADMINS, SYS),
    "generateAutodiscoverXml": Rule('generateAutodiscoverXml(domain: "$domain", kind: DESKTOP)', ADMINS, SYS),
}
# fmt: on

REFUSAL_CODES = frozenset({"UNAUTHENTICATED", "PERMISSION_DENIED"})


# Coverage: every operation of the schema has a rule, every rule an operation.


@functools.cache
def built_operations(discover_plugins: bool) -> tuple[dict, dict]:
    """The operations and plugin rules of a server, with every discoverable
    plugin or with core alone."""
    with tempfile.TemporaryDirectory() as folder:
        modules = None if discover_plugins else []
        runtime = build_runtime(Config(data_dir=Path(folder)), plugin_modules=modules)
        try:
            schema = build_schema(runtime)
            return operations(schema), runtime.plugins.operation_rules()
        finally:
            runtime.engine.dispose()


def operations(schema) -> dict[str, str]:
    """Every query and mutation field of a built schema, with its kind."""
    graphql = schema._schema
    found = {}
    for kind, root in (
        ("query", graphql.query_type),
        ("mutation", graphql.mutation_type),
    ):
        found.update({name: kind for name in (root.fields if root else {})})
    return found


def test_every_operation_has_a_rule():
    found, plugin_rules = built_operations(discover_plugins=True)

    missing = sorted(set(found) - set(RULES) - set(plugin_rules))

    assert missing == [], (
        f"Add a line to RULES in {__file__} (or declare the operation through "
        f"the register_operation_rules hook) for: {', '.join(missing)}"
    )


def test_every_rule_names_an_operation():
    found, plugin_rules = built_operations(discover_plugins=True)
    core, _ = built_operations(discover_plugins=False)

    stale = sorted(set(RULES) - set(found) - set(core) - set(plugin_rules))

    assert stale == [], f"Remove the lines of RULES for: {', '.join(stale)}"


def test_plugin_rules_agree_with_table():
    _found, plugin_rules = built_operations(discover_plugins=True)

    disagreements = {
        name: (sorted(roles), sorted(RULES[name].roles))
        for name, roles in plugin_rules.items()
        if name in RULES and roles != RULES[name].roles
    }

    assert disagreements == {}


# The world each call runs in: domains A and B with their objects, and tokens.


@dataclass
class Matrix:
    runtime: object
    client: GraphQLClient
    schema: object
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))


@dataclass
class World:
    """Names of each target's objects, and who acts: ids to issue tokens for."""

    owners: dict[str, dict[str, int]]
    targets: dict[str, dict[str, str]]
    dirty: set[str] = field(default_factory=set)
    tokens: dict[str, str] = field(default_factory=dict)

    def fits(self, role: str, target: str) -> bool:
        """Whether an allowed mutation may run here without a fresh world.

        It may not where an earlier one changed the target's objects, nor
        for A's own callers once A's objects changed (A may be gone).
        """
        if target in self.dirty:
            return False
        return not ("A" in self.dirty and role in {"DOMAIN_ADMIN", "USER"})


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(request, migrated, tmp_path_factory):
    """One runtime per backend for the module; every case makes its own world."""
    data_dir = tmp_path_factory.mktemp("matrix") / "data"
    (data_dir / "domains").mkdir(parents=True)
    config = Config(data_dir=data_dir, database_url=migrated(request.param))
    runtime = build_runtime(config, plugin_modules=[])
    _empty_tables(runtime.engine)
    with session_scope(runtime.engine) as session:
        ensure_bootstrap_admin(session, ADMIN_PASSWORD)
    schema = cached_schema(runtime)
    with TestClient(create_app(runtime, schema=schema)) as http:
        yield Matrix(runtime, GraphQLClient(http), schema)
    runtime.engine.dispose()


def _empty_tables(engine) -> None:
    names = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in names)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                connection.execute(text(f'DELETE FROM "{name}"'))


def build_world(matrix: Matrix) -> World:
    """Domains A and B, each with users, aliases, a job and a notification."""
    runtime, n = matrix.runtime, next(matrix.counter)
    with session_scope(runtime.engine) as session:
        admin_id = session.exec(select(SystemAdmin.id)).first()
        root = Principal(Role.SYSTEM_ADMIN, "admin", system_admin_id=admin_id)
        a, ids = _build_side(session, runtime, root, f"a{n}")
        b, _ = _build_side(session, runtime, root, f"b{n}")
    owners = {
        "SYSTEM_ADMIN": {"system_admin_id": admin_id},
        "DOMAIN_ADMIN": {"user_id": ids["boss"]},
        "USER": {"user_id": ids["user"]},
    }
    return World(owners, {"A": a, "B": b, "missing": _missing(f"m{n}")})


def token_for(matrix: Matrix, world: World, role: str) -> str | None:
    """The role's token in this world; dropped after each allowed mutation, so
    that a logout or a revocation harms no later call."""
    if role == "ANONYMOUS":
        return None
    if role not in world.tokens:
        ttl = matrix.runtime.config.token_ttl_seconds
        with session_scope(matrix.runtime.engine) as session:
            owner = world.owners[role]
            world.tokens[role] = issue_token(session, Role[role], ttl, **owner)
    return world.tokens[role]


def _build_side(session, runtime, root, prefix: str) -> tuple[dict, dict]:
    name = f"{prefix}.test"
    domain = create_domain(session, runtime, DomainCreate(name, "boss", PASSWORD))
    # A customised login page, or the anonymous loginDisplay answers null.
    login_page = {
        "features": {"login_customization": True},
        "loginDisplay": {"enabled": True},
    }
    domain.settings = runtime.registry.apply_patch(
        "domain", domain.settings, login_page, prefix="settings"
    )
    user, _ = create_user(session, runtime, root, UserCreate(f"user@{name}", PASSWORD))
    create_user(session, runtime, root, UserCreate(f"victim@{name}", PASSWORD))
    alias = UserAliasCreate(f"alias@{name}", [f"user@{name}"])
    create_user_alias(session, runtime, root, alias)
    create_domain_alias(session, runtime, root, name, f"{prefix}-alias.test")
    job = Job(kind="export_users", owner_user_id=domain.primary_admin_id)
    note = Notification(user_id=user.id, subject="Hello", body="Hello.")
    session.add_all([job, note])
    session.flush()

    names = _names(prefix) | {"job": str(job.id), "note": str(note.id)}
    return names, {"boss": domain.primary_admin_id, "user": user.id}


def _missing(prefix: str) -> dict:
    return _names(prefix) | {"job": "999999", "note": "999999"}


def _names(prefix: str) -> dict:
    name = f"{prefix}.test"
    return {
        "domain": name,
        "boss": f"boss@{name}",
        "user": f"user@{name}",
        "victim": f"victim@{name}",
        "alias": f"alias@{name}",
        "dalias": f"{prefix}-alias.test",
    }


# Running a call and judging its outcome.


def run_call(matrix: Matrix, world: World, role: str, kind: str, name: str, target):
    rule = RULES[name]
    variables = world.targets[target] | {"new": f"n{next(matrix.counter)}"}
    document = f"{kind} {{ {Template(rule.call).substitute(variables)} }}"
    body = matrix.client.as_token(token_for(matrix, world, role)).raw(document)
    return judge(body, name, rule)


def judge(body: dict, name: str, rule: Rule) -> tuple[str, str]:
    """("allowed" | "refused" | "failed", the code or reason)."""
    if body.get("errors"):
        error = body["errors"][0]
        return _by_code((error.get("extensions") or {}).get("code"), rule, error)
    value = (body.get("data") or {}).get(name)
    if value is None:
        return "refused", "null"
    if isinstance(value, dict) and value.get("errors"):
        return _by_code(value["errors"][0]["code"], rule, value["errors"])
    if isinstance(value, dict) and value.get("totalCount") == 0:
        return "refused", "empty"
    return "allowed", ""


def _by_code(code: str | None, rule: Rule, detail) -> tuple[str, str]:
    if code in rule.passes:
        return "allowed", code
    if code in REFUSAL_CODES or (code or "").endswith("NOT_FOUND"):
        return "refused", code
    return "failed", f"{code}: {detail}"


def _cases(rule: Rule) -> list[tuple[str, str, bool]]:
    """(role, target, allowed): refused ones first, as they change nothing;
    then allowed ones on B before A, so one world serves the most of them."""
    cases = [
        (role, target, role in rule.allowed(target))
        for target in ("B", "A")
        for role in ROLES
    ]
    return sorted(cases, key=lambda case: case[2])


def _outside_scope(role: str, target: str) -> bool:
    """B is outside every caller's scope but the system administrator's; A's
    objects, but for the user's own account, are outside a user's."""
    return role in {"DOMAIN_ADMIN", "USER"} and (target == "B" or role == "USER")


def _core_rules() -> list[str]:
    """The rules this module runs: those of operations core has by itself."""
    core, _ = built_operations(discover_plugins=False)
    return sorted(set(RULES) & set(core))


@pytest.mark.parametrize("name", _core_rules())
def test_operation_admits_exactly_its_roles(matrix, name):
    kind = operations(matrix.schema)[name]
    rule = RULES[name]

    shared = world = build_world(matrix)
    mismatches = []
    for role, target, allowed in _cases(rule):
        # An allowed mutation may change or delete the very objects the next
        # call needs: each one marks its target, and a marked one needs a
        # fresh world.
        if allowed and kind == "mutation":
            if not world.fits(role, target):
                world = build_world(matrix)
            world.dirty.add(target)
            world.tokens.pop(role, None)
        verdict, detail = run_call(matrix, world, role, kind, name, target)
        expected = "allowed" if allowed else "refused"
        if verdict != expected:
            mismatches.append(f"{role} on {target}: {verdict} {detail}")
        elif verdict == "refused" and _outside_scope(role, target):
            missing = run_call(matrix, shared, role, kind, name, "missing")
            if missing != ("refused", detail):
                mismatches.append(
                    f"{role} on {target}: refused with {detail} but a missing "
                    f"target gives {missing}; the refusal reveals existence"
                )

    assert mismatches == []
