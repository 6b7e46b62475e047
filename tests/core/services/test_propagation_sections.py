"""Every settings section of core and the built-in plugins propagates.

The cases name one field of each section; a section without a case fails
``test_every_section_has_a_case``, so a new section can't go untested.
"""

import pytest
from sqlalchemy import select

import plugins.autodiscover
import plugins.directory
import plugins.eas
import plugins.mailing_lists
import plugins.mapi_ews
import plugins.twostep
from core.db import session_scope
from core.models import Domain, User
from core.services.propagation import (
    propagate_domain_defaults,
    propagate_user_defaults,
)
from core.services.server_settings import update_server_settings
from core.services.templates import (
    expand_variables,
    update_domain_template,
    update_user_template,
)
from core.text import to_camel
from tests.plugin_support import SYSTEM, add_domain, issue_license
from tests.plugin_support import licensed_runtime as make_licensed_runtime

MODULES = [
    plugins.autodiscover,
    plugins.directory,
    plugins.eas,
    plugins.mailing_lists,
    plugins.mapi_ews,
    plugins.twostep,
]
FEATURES = ("eas", "mapi_ews", plugins.directory.settings.FEATURE)
NAMES = ("a.test", "b.test")

# section: (snake_case path of one field, a value unlike its default)
DOMAIN_CASES = {
    "options": ("outgoing_gateway", "gw.example.net"),
    "limits": ("disk_space_mb", 2000),
    "email": ("disable_greylisting", True),
    "security": ("force_https", True),
    "misc": ("logout_url", "https://%domain%/bye"),
    "throttling": ("bounces_per_hour", 50),
    "features": ("file_storage", False),
    "loginDisplay": ("login_title", "Welcome to %domain%"),
    "autodiscover": ("imap.port", 143),
    "mailingLists": ("command_address", "lists"),
    "twoStep": ("status", "forced"),
    "eas": ("remote_wipe", True),
    "mapiEws": ("user_management", True),
    "directory": ("login_attribute", "mail"),
}
USER_CASES = {
    "serviceAccess": ("pop", False),
    "smtpAccounts": ("enabled", False),
    "eas": ("enabled", True),
    "mapiEws": ("enabled", True),
}


@pytest.fixture
def licensed(runtime, tmp_path):
    """Every built-in plugin, the Enterprise ones licensed, and two domains."""
    text = issue_license(features=FEATURES)
    loaded = make_licensed_runtime(runtime, tmp_path, MODULES, text=text)
    with session_scope(loaded.engine) as session:
        update_server_settings(session, {"outgoing_gateways": ["gw.example.net"]})
    accounts = {"eas": {"accounts": 5}, "mapiEws": {"accounts": 5}}
    for name in NAMES:
        add_domain(loaded, name, settings=accounts, users=("ann",))
    yield loaded
    loaded.engine.dispose()


def test_every_section_has_a_case(licensed):
    registry = licensed.registry

    domain_sections = {spec.name for spec in registry.sections("domain")}
    user_sections = {spec.name for spec in registry.sections("user")}

    assert domain_sections == set(DOMAIN_CASES)
    assert user_sections == set(USER_CASES)


@pytest.mark.parametrize("section", DOMAIN_CASES, ids=list(DOMAIN_CASES))
def test_domain_section_field_reaches_every_domain(licensed, section):
    path, value = DOMAIN_CASES[section]
    with session_scope(licensed.engine) as session:
        update_domain_template(
            session,
            licensed,
            SYSTEM,
            hostname=None,
            settings={section: nested(path, value)},
        )
        result = propagate_domain_defaults(
            session, licensed, [camel_path(section, path)]
        )

    with session_scope(licensed.engine, write=False) as session:
        domains = session.execute(select(Domain)).scalars().all()
    assert (result.changed, result.refused) == (len(NAMES), [])
    for domain in domains:
        read = read_path(licensed, "domain", domain.settings, section, path)
        assert read == expand_variables(value, domain.name)


@pytest.mark.parametrize("section", USER_CASES, ids=list(USER_CASES))
def test_user_section_field_reaches_every_user(licensed, section):
    path, value = USER_CASES[section]
    with session_scope(licensed.engine) as session:
        update_user_template(session, licensed, SYSTEM, {section: nested(path, value)})
        result = propagate_user_defaults(session, licensed, [camel_path(section, path)])

    with session_scope(licensed.engine, write=False) as session:
        users = session.execute(select(User)).scalars().all()
    assert (result.changed, result.refused) == (len(users), [])
    assert len(users) == 2 * len(NAMES)
    for user in users:
        assert read_path(licensed, "user", user.settings, section, path) == value


def nested(path: str, value) -> dict:
    *parents, last = path.split(".")
    node = {last: value}
    for key in reversed(parents):
        node = {key: node}
    return node


def camel_path(section: str, path: str) -> str:
    return ".".join([section, *(to_camel(key) for key in path.split("."))])


def read_path(runtime, scope: str, stored: dict, section: str, path: str):
    value = runtime.registry.read(scope, stored, section).model_dump(mode="json")
    for key in path.split("."):
        value = value[key]
    return value
