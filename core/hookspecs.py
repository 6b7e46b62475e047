"""Every hook a plugin may implement.

Contribution hooks are ``register_*`` and return lists (or, for operation
rules, a dict); core merges them and stops start-up on a duplicate name,
naming both plugins. A plugin whose contribution hook raises is logged at
critical, marked FAILED and unregistered; the server starts without it.

Life-cycle hooks named ``before_*``/``after_*`` run inside the transaction
of the change, so a plugin may write its own rows with the ``session`` it
receives; raising aborts the whole change. The ``after_*_delete`` hooks are
the exception: they run once the deletion committed and get ids, not rows.

Core calls every hook through a typed method of ``core.plugins.PluginHost``.
The README's "Plugin guide" documents each hook; a test fails when one
lacks a docstring or a guide entry.
"""

from typing import Any

import pluggy

PROJECT = "mailplane"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_domain_sections() -> list:
    """At start-up: return the domain settings sections (``SectionSpec``) to add."""


@hookspec
def register_user_sections() -> list:
    """At start-up: return the user settings sections (``SectionSpec``) to add."""


@hookspec
def register_schema(types: Any) -> list:
    """At every schema build: return ``SchemaContribution`` items.

    ``types`` is the ``BuiltTypes`` of this build (the settings types of
    domains and users), for fields that return or take them.
    """


@hookspec
def register_routes() -> list:
    """At app creation: return starlette routes to mount beside ``/graphql``."""


@hookspec
def register_export_columns(kind: str) -> list:
    """At a CSV export: return ``ExportColumn`` items for ``kind`` (domains, users).

    ``ExportColumn`` is ``core.services.export_columns.ExportColumn``: a
    header and a SQL expression over the exported table, or a function of
    the row.
    """


@hookspec
def register_actors(broker: Any) -> None:
    """Once the dramatiq broker is chosen: import or declare the plugin's actors."""


@hookspec
def register_operation_rules() -> dict:
    """At start-up: return ``{operation field name: set of role names}``.

    Role names are ``SYSTEM_ADMIN``, ``DOMAIN_ADMIN``, ``USER`` and
    ``ANONYMOUS``; list every GraphQL operation the plugin adds, with who
    may call it. The authorisation matrix test reads them.
    """


@hookspec
def after_domain_create(session: Any, runtime: Any, domain: Any) -> None:
    """After a domain row, its folder and administrator exist, in that transaction."""


@hookspec
def after_domain_rename(session: Any, runtime: Any, domain: Any, old_name: str) -> None:
    """After a domain was renamed, in the renaming transaction; return nothing."""


@hookspec
def before_domain_delete(session: Any, runtime: Any, domain: Any) -> None:
    """Before a domain's rows are deleted, in the deleting transaction."""


@hookspec
def after_domain_delete(runtime: Any, domain_id: int, name: str) -> None:
    """After a domain's deletion committed; clean up what lives outside the database."""


@hookspec
def after_user_create(session: Any, runtime: Any, user: Any) -> None:
    """After a user row exists, in the creating transaction; return nothing."""


@hookspec
def after_user_settings(
    session: Any,
    runtime: Any,
    principal: Any,
    user: Any,
    domain: Any,
    created: bool,
    requested: dict,
) -> None:
    """After a user's settings were set, in that transaction; return nothing.

    Called when a user is created (``created`` True: ``user.settings`` holds
    the user template with the caller's choices on top) and when an update
    names settings. ``requested`` holds only what the caller asked for, as
    ``{section: {snake_case_field: value}}``, so a plugin can tell a choice
    from a template's default. ``principal`` is who asked, None for work a
    job does on its own. Raise a core error (a limit, a permission) to refuse
    the whole change; a plugin may rewrite its own section of
    ``user.settings`` (assign a new dict) to reflect what it could grant.
    """


@hookspec
def after_user_rename(
    session: Any, runtime: Any, user: Any, old_local_part: str
) -> None:
    """After a user's address changed, in the renaming transaction."""


@hookspec
def before_user_delete(session: Any, runtime: Any, user: Any) -> None:
    """Before a user's row is deleted, in the deleting transaction."""


@hookspec
def after_user_delete(runtime: Any, user_id: int, email: str) -> None:
    """After a user's deletion committed; clean up what lives outside the database."""


@hookspec
def register_propagation_sections() -> list:
    """At start-up: return the user sections the plugin's propagation hooks judge.

    ``validate_user_propagation`` and ``after_user_propagation`` of a plugin
    that implements this are called only for propagations that change one
    of the sections it names (none, for an empty list), so that propagating
    anything else costs the plugin nothing and core no round of the
    domains. A plugin that doesn't implement it is asked about every user
    propagation. Name the plugin's own user sections or core's; any other
    name stops start-up with ``PluginError``.
    """


@hookspec
def validate_user_propagation(
    session: Any, runtime: Any, domain: Any, changes: dict
) -> str | None:
    """Before user defaults reach a domain's users: return why to refuse, or None.

    Called once per chosen domain that core didn't refuse (a value made
    invalid by the domain's name), in the propagating transaction, for dry
    runs too; only for propagations of the sections the plugin judges
    (``register_propagation_sections``). ``domain`` is the ``Domain`` row
    (``user_count`` counts its users); ``changes`` maps each section to the
    fields every user of the domain would get (``{"eas": {"enabled":
    True}}``; a whole section lists every field; a value inside a nested
    model sits in nested dicts, ``{"autodiscover": {"imap": {"port":
    993}}}``), ``%domain%`` already expanded. Return a message to leave the
    domain unchanged and report it (say, EAS access beyond the domain's
    EAS accounts); None lets it through. Raising aborts the propagation.
    """


@hookspec
def after_user_propagation(
    session: Any, runtime: Any, domain_ids: list[int], changes: dict
) -> None:
    """After user defaults reached users of ``domain_ids``, in that transaction.

    ``changes`` is shaped as for ``validate_user_propagation``, with
    ``%domain%`` unexpanded; ``domain_ids`` leaves out the refused domains.
    Called after every propagation of a section the plugin judges but a dry
    run, even when no user changed, so it must be idempotent: bring what the
    plugin keeps per domain (accounts in use) in line with the users'
    settings. Return nothing.
    """


@hookspec(firstresult=True)
def check_password(session: Any, runtime: Any, user: Any, password: str) -> bool | None:
    """When a user's password is checked (login, HTTP Basic): return the verdict.

    Return True or False for an account the plugin authenticates (a user of
    a directory), None to leave the check to the user's stored hash. The
    first plugin to return a verdict wins. Raise a core error
    (``MailplaneError``) when no verdict can be had, such as a directory
    that can't be reached: the login fails with that error instead of wrong
    credentials, and counts as no failed attempt. ``session`` only reads:
    ``login`` asks before its write transaction opens, so a plugin may wait
    on the network without holding a write lock, best reading through a
    short session of its own so that no transaction stays open while it
    waits. Never log ``password``.
    """


@hookspec(firstresult=True)
def login_challenge(session: Any, runtime: Any, user: Any) -> str | None:
    """After a user's password was verified, before a token: return a challenge.

    Return an opaque string the user must answer through the plugin's own
    mutation (two-step authentication) to get a token, or None to let the
    login go on. The first plugin to return one wins; ``login`` then
    returns ``twoStepRequired`` and the challenge instead of a token. Runs
    in the login transaction, so rows the plugin writes persist.
    """


@hookspec(firstresult=True)
def login_restriction(session: Any, runtime: Any, user: Any) -> str | None:
    """When no challenge stands, before a token: return a session restriction.

    Return the name of the only operations the session may use (a
    restricted session, ``Principal.restricted_to``) or None for a full
    session. Core refuses a restricted session everywhere else with
    ``SESSION_RESTRICTED``; the plugin's own operations accept it.
    """
