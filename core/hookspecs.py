"""Every hook a plugin may implement.

Contribution hooks are ``register_*`` and return lists; core merges them and
stops start-up on a duplicate name, naming both plugins. Life-cycle hooks are
called inside the transaction of the change, so a plugin may write its own
rows with the ``session`` it receives; raising aborts the whole change.
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
    """At schema build: return ``SchemaContribution`` items.

    ``types`` is the ``BuiltTypes`` of this build (``Domain``, ``User``, the
    settings types), for fields that return or take them.
    """


@hookspec
def register_routes() -> list:
    """At start-up: return starlette routes to mount beside ``/graphql``."""


@hookspec
def register_export_columns(kind: str) -> list:
    """At export: return ``ExportColumn`` items for ``kind`` (domains or users)."""


@hookspec
def register_actors(broker: Any) -> None:
    """After the broker is chosen: import or declare the plugin's actors."""


@hookspec
def register_operation_rules() -> dict:
    """At start-up: map each GraphQL operation the plugin adds to who may call it.

    Values are sets of role names (``SYSTEM_ADMIN``, ``DOMAIN_ADMIN``,
    ``USER``, ``ANONYMOUS``); the authorisation matrix test reads them.
    """


@hookspec
def after_domain_create(session: Any, runtime: Any, domain: Any) -> None:
    """After a domain row and folder exist, in the creating transaction."""


@hookspec
def after_domain_rename(session: Any, runtime: Any, domain: Any, old_name: str) -> None:
    """After a domain was renamed, in the renaming transaction."""


@hookspec
def before_domain_delete(session: Any, runtime: Any, domain: Any) -> None:
    """Before a domain's rows are deleted, in the deleting transaction."""


@hookspec
def after_domain_delete(runtime: Any, domain_id: int, name: str) -> None:
    """After a domain's deletion committed."""


@hookspec
def after_user_create(session: Any, runtime: Any, user: Any) -> None:
    """After a user row exists, in the creating transaction."""


@hookspec
def before_user_delete(session: Any, runtime: Any, user: Any) -> None:
    """Before a user's row is deleted, in the deleting transaction."""
