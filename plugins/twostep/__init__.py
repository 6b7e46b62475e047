"""Two-step authentication: a code after the password, from an authenticator
app or a recovery address; recovery codes; app passwords for mail clients.

The ``twoStep`` domain section says whether the domain's users may
(ENABLED) or must (FORCED) use it; the server setting
``twoStepAvailable`` switches it off everywhere. Core's ``login`` asks
this plugin for a challenge (``login_challenge``) and, where a domain
forces two-step on a user without it, for a set-up-only session
(``login_restriction``). Other plugins check app passwords with
``plugins.twostep.app_passwords.verify_app_password``.
"""

from core.hookspecs import hookimpl
from core.plugins import PluginInfo
from plugins.twostep import models  # noqa: F401  (puts the tables on the metadata)

PLUGIN_INFO = PluginInfo(
    name="twostep",
    version="1.0.0",
    description="Two-step authentication, recovery codes and app passwords.",
)


@hookimpl
def register_domain_sections() -> list:
    from plugins.twostep.settings import SECTION

    return [SECTION]


@hookimpl
def register_schema(types) -> list:
    from plugins.twostep.schema import contributions

    return contributions()


@hookimpl
def register_operation_rules() -> dict:
    from plugins.twostep.schema import OPERATION_RULES

    return OPERATION_RULES


@hookimpl
def login_challenge(session, runtime, user) -> str | None:
    from plugins.twostep.challenges import open_challenge
    from plugins.twostep.codes import clock_of

    return open_challenge(session, runtime, user, clock_of(runtime))


@hookimpl
def login_restriction(session, runtime, user) -> str | None:
    from plugins.twostep.challenges import setup_restriction

    return setup_restriction(session, runtime, user)
