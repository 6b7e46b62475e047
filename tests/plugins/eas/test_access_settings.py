"""EAS and MAPI/EWS access as user settings: templates, updates, propagation.

A user's ``eas.enabled`` (``mapiEws.enabled``) is the same access that
``setEasAccess`` gives, so it is counted against the domain's accounts
whichever way it is set: by updateUser, by the user template at creation,
or by propagating the template to existing users.
"""

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import LimitReached
from core.models import Domain, FeatureAccount, User
from core.services.feature_access import apply_propagation
from core.services.feature_accounts import CountedFeature
from tests.graphql_client import error_codes
from tests.plugin_support import PASSWORD, add_domain
from tests.plugins.eas.access_support import (
    UPDATE_USER,
    access_of,
    domain_settings,
    set_enabled,
    used_of,
)

CREATE_USER = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) { user { email } errors { field code message } }
}
"""

UPDATE_TEMPLATE = """
mutation Template($input: UserDefaultsUpdateInput!) {
  updateUserDefaults(input: $input) { errors { field code } }
}
"""

PROPAGATE = """
mutation Propagate($input: UserDefaultsPropagateInput!) {
  propagateUserDefaults(input: $input) {
    usersChanged
    refused { domain plugin message }
    preview { domain users }
    errors { field code message }
  }
}
"""


def test_update_user_setting_gives_access_within_accounts(
    admin, licensed_runtime, feature
):
    # Given a domain with one account and two users
    section, name, _ = feature
    settings = domain_settings(section, 1)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2"))

    # When the system administrator switches both users' setting on
    first = set_enabled(admin, section, "u1@a.test", True)
    second = set_enabled(admin, section, "u2@a.test", True)

    # Then the first takes the account and the second is refused unchanged
    assert first["errors"] == []
    assert error_codes(second) == ["ACCOUNT_LIMIT_REACHED"]
    assert second["errors"][0]["field"] == f"settings.{section}.enabled"
    access = access_of(licensed_runtime, name)
    assert access["u1@a.test"] is True and access["u2@a.test"] is False
    assert used_of(licensed_runtime, name, "a.test") == 1


def test_switching_the_setting_off_frees_the_account(admin, licensed_runtime, feature):
    section, name, _ = feature
    settings = domain_settings(section, 1)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2"))
    set_enabled(admin, section, "u1@a.test", True)

    off = set_enabled(admin, section, "u1@a.test", False)
    on = set_enabled(admin, section, "u2@a.test", True)

    assert off["errors"] == [] and on["errors"] == []
    access = access_of(licensed_runtime, name)
    assert access["u1@a.test"] is False and access["u2@a.test"] is True
    assert used_of(licensed_runtime, name, "a.test") == 1


def test_domain_admin_needs_user_management_for_the_setting(
    client, licensed_runtime, feature
):
    # Given two domains, one whose user management is off
    section, name, _ = feature
    off = domain_settings(section, 5, management=False)
    add_domain(licensed_runtime, "off.test", settings=off, users=("u1",))
    add_domain(
        licensed_runtime, "on.test", settings=domain_settings(section, 5), users=("u1",)
    )
    admin_off = client.as_token(client.login("admin@off.test", PASSWORD))
    admin_on = client.as_token(client.login("admin@on.test", PASSWORD))

    # When each domain administrator switches a user's setting on
    refused = set_enabled(admin_off, section, "u1@off.test", True)
    allowed = set_enabled(admin_on, section, "u1@on.test", True)

    # Then only the one with user management succeeds
    assert error_codes(refused) == ["USER_MANAGEMENT_DISABLED"]
    assert allowed["errors"] == []
    access = access_of(licensed_runtime, name)
    assert access["u1@off.test"] is False and access["u1@on.test"] is True


def test_unrelated_update_leaves_access_alone(admin, licensed_runtime, feature):
    section, name, _ = feature
    settings = domain_settings(section, 2)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1",))
    set_enabled(admin, section, "u1@a.test", True)

    payload = admin.mutate(
        UPDATE_USER,
        {"email": "u1@a.test", "settings": {"serviceAccess": {"pop": False}}},
    )

    assert payload["errors"] == []
    assert access_of(licensed_runtime, name)["u1@a.test"] is True
    assert used_of(licensed_runtime, name, "a.test") == 1


def test_set_access_mutation_shows_in_the_user_settings(
    admin, licensed_runtime, feature
):
    section, name, mutation = feature
    settings = domain_settings(section, 2)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1",))

    payload = admin.mutate(
        f"mutation S($input: FeatureAccessInput!) {{ {mutation}(input: $input) "
        "{ errors { code } } }",
        {"email": "u1@a.test", "enabled": True},
    )
    read = admin.execute(
        f'{{ user(email: "u1@a.test") {{ settings {{ {section} {{ enabled }} }} }} }}'
    )

    assert payload["errors"] == []
    assert read["user"]["settings"][section] == {"enabled": True}
    assert access_of(licensed_runtime, name)["u1@a.test"] is True


def test_template_gives_new_users_access_while_accounts_remain(
    admin, licensed_runtime, feature
):
    # Given a user template with access on and a domain with one account
    section, name, _ = feature
    add_domain(licensed_runtime, "a.test", settings=domain_settings(section, 1))
    template = {"settings": {section: {"enabled": True}}}
    assert admin.mutate(UPDATE_TEMPLATE, template)["errors"] == []

    # When two users are created without asking for access
    for local in ("u1", "u2"):
        created = admin.mutate(
            CREATE_USER, {"email": f"{local}@a.test", "password": PASSWORD}
        )
        assert created["errors"] == []

    # Then the first has access and the second starts without, as it reads
    access = access_of(licensed_runtime, name)
    assert access["u1@a.test"] is True and access["u2@a.test"] is False
    assert used_of(licensed_runtime, name, "a.test") == 1


def test_creating_a_user_asking_for_access_beyond_accounts_fails(
    admin, licensed_runtime, feature
):
    section, name, _ = feature
    add_domain(licensed_runtime, "a.test", settings=domain_settings(section, 0))

    payload = admin.mutate(
        CREATE_USER,
        {
            "email": "u1@a.test",
            "password": PASSWORD,
            "settings": {section: {"enabled": True}},
        },
    )

    assert error_codes(payload) == ["ACCOUNT_LIMIT_REACHED"]
    assert "u1@a.test" not in access_of(licensed_runtime, name)


def test_propagation_gives_access_where_accounts_suffice(
    admin, licensed_runtime, feature
):
    # Given a template with access on; a.test has accounts for its three
    # users (two and its administrator), b.test has one account for three
    section, name, _ = feature
    add_domain(
        licensed_runtime, "a.test", settings=domain_settings(section, 5), users=("u1",)
    )
    add_domain(
        licensed_runtime,
        "b.test",
        settings=domain_settings(section, 1),
        users=("u1", "u2"),
    )
    template = {"settings": {section: {"enabled": True}}}
    assert admin.mutate(UPDATE_TEMPLATE, template)["errors"] == []

    # When access is propagated to every domain's users, first as a dry run
    paths = {"settings": [f"{section}.enabled"]}
    dry = admin.mutate(PROPAGATE, {**paths, "dryRun": True})
    before = access_of(licensed_runtime, name)
    done = admin.mutate(PROPAGATE, paths)

    # Then the dry run changes nothing and both report b.test as refused;
    # a.test's users all have access and count against its accounts
    assert not any(before.values())
    assert [p["domain"] for p in dry["preview"]] == ["a.test"]
    for payload in (dry, done):
        assert [r["domain"] for r in payload["refused"]] == ["b.test"]
        assert "1" in payload["refused"][0]["message"]
    assert done["errors"] == [] and done["usersChanged"] == 2
    access = access_of(licensed_runtime, name)
    assert access == {
        "admin@a.test": True,
        "u1@a.test": True,
        "admin@b.test": False,
        "u1@b.test": False,
        "u2@b.test": False,
    }
    assert used_of(licensed_runtime, name, "a.test") == 2
    assert used_of(licensed_runtime, name, "b.test") == 0


def test_propagating_access_off_frees_every_account(admin, licensed_runtime, feature):
    # Given users of a.test with access, and a template with access off
    section, name, _ = feature
    add_domain(
        licensed_runtime,
        "a.test",
        settings=domain_settings(section, 5),
        users=("u1", "u2"),
    )
    set_enabled(admin, section, "u1@a.test", True)
    set_enabled(admin, section, "u2@a.test", True)

    # When the whole section is propagated to a.test
    done = admin.mutate(PROPAGATE, {"settings": [section], "domains": ["a.test"]})

    # Then nobody has access and the accounts are free again
    assert done["errors"] == [] and done["usersChanged"] == 2
    assert not any(access_of(licensed_runtime, name).values())
    assert used_of(licensed_runtime, name, "a.test") == 0


def test_propagation_is_counted_for_the_named_domains_only(
    admin, licensed_runtime, feature
):
    section, name, _ = feature
    for domain in ("a.test", "b.test"):
        add_domain(
            licensed_runtime, domain, settings=domain_settings(section, 5), users=("u",)
        )
    admin.mutate(UPDATE_TEMPLATE, {"settings": {section: {"enabled": True}}})

    done = admin.mutate(
        PROPAGATE, {"settings": [f"{section}.enabled"], "domains": ["b.test"]}
    )

    assert done["errors"] == [] and done["usersChanged"] == 2
    assert used_of(licensed_runtime, name, "a.test") == 0
    assert used_of(licensed_runtime, name, "b.test") == 2
    access = access_of(licensed_runtime, name)
    assert access["u@b.test"] is True and access["u@a.test"] is False


def test_new_domain_administrator_follows_the_template(admin, licensed_runtime):
    # Given a user template with EAS on and a domain template with 1 account
    admin.mutate(UPDATE_TEMPLATE, {"settings": {"eas": {"enabled": True}}})
    domain_template = """
    mutation Template($input: DomainDefaultsUpdateInput!) {
      updateDomainDefaults(input: $input) { errors { code } }
    }
    """
    payload = admin.mutate(domain_template, {"settings": {"eas": {"accounts": 1}}})
    assert payload["errors"] == []

    # When a domain is created, its administrator with it
    add_domain(licensed_runtime, "a.test")

    # Then the administrator took the domain's one account
    assert access_of(licensed_runtime, "eas") == {"admin@a.test": True}
    assert used_of(licensed_runtime, "eas", "a.test") == 1


def test_users_added_after_the_check_abort_the_propagation(licensed_runtime, feature):
    # Given a domain whose users outnumber its accounts, as when users were
    # created between the per-domain check and the propagation's write

    section, name, _ = feature
    settings = domain_settings(section, 2)
    add_domain(licensed_runtime, "a.test", settings=settings, users=("u1", "u2"))
    counted = CountedFeature(name=name, section=section, label=section)

    # When the accounts are given to all of its users
    changes = {section: {"enabled": True}}
    with (
        pytest.raises(LimitReached) as raised,
        session_scope(licensed_runtime.engine) as session,
    ):
        # The propagation's UPDATE has switched every user's setting on
        for user in session.execute(select(User)).scalars():
            user.settings = {**user.settings, section: {"enabled": True}}
        session.flush()
        domain_id = session.execute(select(Domain.id)).scalar_one()
        apply_propagation(session, licensed_runtime, counted, [domain_id], changes)

    # Then the whole propagation is refused and no account was given
    assert raised.value.code == "ACCOUNT_LIMIT_REACHED"
    assert used_of(licensed_runtime, name, "a.test") == 0
    with session_scope(licensed_runtime.engine, write=False) as session:
        assert session.execute(select(FeatureAccount.id)).first() is None


def test_domain_admin_may_repeat_the_template_when_creating(
    client, admin, licensed_runtime, feature
):
    # Given a template with access on, and a domain without user management
    section, name, _ = feature
    off = domain_settings(section, 5, management=False)
    add_domain(licensed_runtime, "a.test", settings=off)
    admin.mutate(UPDATE_TEMPLATE, {"settings": {section: {"enabled": True}}})
    domain_admin = client.as_token(client.login("admin@a.test", PASSWORD))

    # When its administrator creates a user from a form prefilled from the
    # template, and one without access
    same = {section: {"enabled": True}}
    repeated = domain_admin.mutate(
        CREATE_USER, {"email": "u1@a.test", "password": PASSWORD, "settings": same}
    )
    other = {section: {"enabled": False}}
    without = domain_admin.mutate(
        CREATE_USER, {"email": "u2@a.test", "password": PASSWORD, "settings": other}
    )

    # Then repeating the template is no choice of its own and passes, and
    # leaving an account unused gives nothing away
    assert repeated["errors"] == [] and without["errors"] == []
    access = access_of(licensed_runtime, name)
    assert access["u1@a.test"] is True and access["u2@a.test"] is False

    # But switching an existing user's access needs user management
    switched = set_enabled(domain_admin, section, "u1@a.test", False)
    assert error_codes(switched) == ["USER_MANAGEMENT_DISABLED"]


def test_a_null_section_is_refused_clearly(admin, licensed_runtime, feature):
    section, _, _ = feature
    add_domain(licensed_runtime, "a.test", users=("u1",))

    payload = admin.mutate(
        UPDATE_USER, {"email": "u1@a.test", "settings": {section: None}}
    )

    assert payload["errors"][0]["field"] == f"settings.{section}"
    assert "null" in payload["errors"][0]["message"]
