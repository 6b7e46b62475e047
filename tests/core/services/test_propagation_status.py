"""Propagating the template's domain status, in SQL."""

import pytest
from sqlalchemy import event, select

from core.db import session_scope
from core.models import Domain
from core.principal import Principal, Role
from core.services.domains import DomainCreate, create_domain, set_domain_status
from core.services.propagation import propagate_domain_defaults
from core.services.propagation_jobs import request_domain_propagation
from core.services.propagation_sql import domain_update
from core.services.templates import update_domain_template

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)
NAMES = ["a.test", "b.test", "c.test"]


@pytest.fixture
def domains(runtime) -> None:
    """Three domains; b.test disabled."""
    with session_scope(runtime.engine) as session:
        for name in NAMES:
            domain = create_domain(
                session, runtime, DomainCreate(name, "boss", "pw-123456")
            )
            if name == "b.test":
                set_domain_status(session, domain, "disabled")


def set_template(runtime, **changes) -> None:
    changes = {"hostname": None, "settings": None, **changes}
    with session_scope(runtime.engine) as session:
        update_domain_template(session, runtime, ADMIN, **changes)


def propagate(runtime, paths, **kwargs):
    with session_scope(runtime.engine) as session:
        return propagate_domain_defaults(session, runtime, paths, **kwargs)


def statuses(runtime) -> dict[str, str]:
    with session_scope(runtime.engine, write=False) as session:
        return dict(session.execute(select(Domain.name, Domain.status)).all())


def test_status_propagation_changes_only_differing_domains(runtime, domains):
    set_template(runtime, status="disabled")

    result = propagate(runtime, ["status"])

    assert result.changed == 2
    assert statuses(runtime) == dict.fromkeys(NAMES, "disabled")


def test_status_with_settings_runs_as_one_update(runtime, domains):
    set_template(
        runtime, status="disabled", settings={"limits": {"disk_space_mb": 2000}}
    )
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement.split()[0].upper())

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        result = propagate(runtime, ["limits.diskSpaceMb", "status", "hostname"])
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)

    assert result.changed == 3
    assert statements.count("UPDATE") == 1
    assert statuses(runtime) == dict.fromkeys(NAMES, "disabled")


def test_dry_run_lists_status_and_changes_nothing(runtime, domains):
    set_template(runtime, status="disabled")

    result = propagate(runtime, ["status"], dry_run=True)

    assert result.changed == 0
    assert [
        (p.domain, [(s.path, s.before, s.after, s.changes) for s in p.settings])
        for p in result.preview
    ] == [
        ("a.test", [("status", "enabled", "disabled", True)]),
        ("b.test", [("status", "disabled", "disabled", False)]),
        ("c.test", [("status", "enabled", "disabled", True)]),
    ]
    assert statuses(runtime)["a.test"] == "enabled"


def test_request_accepts_status_path(runtime, domains):
    set_template(runtime, status="disabled")

    with session_scope(runtime.engine) as session:
        outcome = request_domain_propagation(
            session, runtime, ADMIN, ["status", " status "], run_as_job=False
        )

    assert outcome.changed == 2


def test_domain_update_refuses_other_columns():
    with pytest.raises(ValueError, match="folder"):
        domain_update("sqlite", [], {"folder": "/tmp"})
