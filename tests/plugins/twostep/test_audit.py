"""Two-step mutations in the audit log: resets named, refusals kept, and no
code or secret written down."""

import json

from sqlmodel import select

from core.db import session_scope
from core.models import AuditEntry
from plugins.twostep.codes import code_at
from tests.plugins.twostep.conftest import (
    code_in,
    complete,
    inbox,
    set_up_authenticator,
    start_login,
)
from tests.plugins.twostep.test_recovery import SET_EMAIL
from tests.plugins.twostep.test_reset import RESET


def entries(runtime, action: str) -> list[AuditEntry]:
    with session_scope(runtime.engine, write=False) as session:
        query = select(AuditEntry).where(AuditEntry.action == action)
        return list(session.exec(query.order_by(AuditEntry.id)).all())


def test_reset_is_audited_with_the_user(admin, alice, clock, twostep_runtime):
    set_up_authenticator(alice, clock)

    admin.mutate(RESET, {"email": "alice@a.test"})

    [entry] = entries(twostep_runtime, "resetTwoStep")
    assert (entry.actor, entry.outcome) == ("admin", "succeeded")
    assert (entry.target, entry.domain_name) == ("alice@a.test", "a.test")
    assert {"field": "twoStep.active", "before": True, "after": False} in [
        {k: c[k] for k in ("field", "before", "after")} for c in entry.changes
    ]


def test_wrong_code_is_audited_as_refused(client, alice, clock, twostep_runtime):
    secret = set_up_authenticator(alice, clock)["secret"]
    challenge = start_login(client, "alice@a.test")["challenge"]

    complete(client, challenge, code_at(secret, clock.step + 9))

    [entry] = entries(twostep_runtime, "completeLogin")
    assert (entry.outcome, entry.error_code) == ("refused", "INVALID_CODE")


def test_audit_log_holds_no_code_or_secret(alice, clock, twostep_runtime):
    made = set_up_authenticator(alice, clock)
    secret, current = made["secret"], made["recovery_codes"][0]
    alice.mutate(SET_EMAIL, {"email": "bob@a.test", "currentCode": current})
    code = code_in(inbox(twostep_runtime, "bob@a.test")[0])

    with session_scope(twostep_runtime.engine, write=False) as session:
        logged = json.dumps([e.changes for e in session.exec(select(AuditEntry))])

    assert secret not in logged and code not in logged and current not in logged
    assert "$" not in logged  # no salted hash either
