"""Propagating two-step fields: each domain keeps a valid pair."""

from core.db import session_scope
from core.principal import Principal, Role
from core.services.propagation import propagate_domain_defaults
from core.services.propagation_mixes import spans_fields
from core.services.scope import find_domain
from core.services.templates import update_domain_template
from plugins.twostep.settings import TwoStepSettings
from tests.plugin_support import add_domain

ADMIN = Principal(role=Role.SYSTEM_ADMIN, name="admin", system_admin_id=1)


def test_status_rule_is_found_to_span_fields():
    assert spans_fields(TwoStepSettings)


def test_status_propagated_where_two_step_is_off_refused(twostep_runtime):
    # Given a domain with two-step on, and one with it off
    runtime = twostep_runtime
    add_domain(runtime, "on.test", settings={"twoStep": {"enabled": True}})
    add_domain(runtime, "off.test", settings={"twoStep": {"enabled": False}})
    with session_scope(runtime.engine) as session:
        update_domain_template(
            session,
            runtime,
            ADMIN,
            hostname=None,
            settings={"twoStep": {"enabled": True, "status": "forced"}},
        )

    # When FORCED alone is propagated
    with session_scope(runtime.engine) as session:
        outcome = propagate_domain_defaults(session, runtime, ["twoStep.status"])

    # Then the domain with two-step off is refused and still reads
    with session_scope(runtime.engine, write=False) as session:
        sections = {
            name: runtime.registry.read(
                "domain", find_domain(session, name).settings, "twoStep"
            )
            for name in ("on.test", "off.test")
        }
    assert [r.domain for r in outcome.refused] == ["off.test"]
    assert sections["on.test"].status.value == "forced"
    assert sections["off.test"].status.value == "disabled"
