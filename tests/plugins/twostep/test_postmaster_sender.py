"""Two-step codes come from the domain's postmaster as the domain resolves it."""

from core.db import session_scope
from core.services.domains import require_domain, update_domain
from core.services.server_settings import update_server_settings
from core.services.users import UserCreate, create_user
from tests.plugin_support import PASSWORD, SYSTEM
from tests.plugins.twostep.conftest import inbox
from tests.plugins.twostep.test_recovery import SET_EMAIL


def _set_misc(runtime, **misc) -> None:
    with session_scope(runtime.engine) as session:
        domain = require_domain(session, SYSTEM, "a.test")
        update_domain(
            session, runtime, SYSTEM, domain, hostname=None, settings={"misc": misc}
        )


def _sender_of_code(alice, twostep_runtime) -> str:
    alice.mutate(SET_EMAIL, {"email": "bob@a.test"})
    [message] = inbox(twostep_runtime, "bob@a.test")
    return message["From"]


def test_code_comes_from_primary_admin_by_default(alice, twostep_runtime):
    assert _sender_of_code(alice, twostep_runtime) == "admin@a.test"


def test_code_comes_from_server_postmaster(alice, twostep_runtime):
    _set_misc(twostep_runtime, primary_admin_as_postmaster=False)
    with session_scope(twostep_runtime.engine) as session:
        update_server_settings(session, {"postmaster_address": "pm@example.net"})

    assert _sender_of_code(alice, twostep_runtime) == "pm@example.net"


def test_code_comes_from_postmaster_account(alice, twostep_runtime):
    with session_scope(twostep_runtime.engine) as session:
        create_user(
            session, twostep_runtime, SYSTEM, UserCreate("postmaster@a.test", PASSWORD)
        )

    assert _sender_of_code(alice, twostep_runtime) == "postmaster@a.test"
