"""The hook implementations CountedFeatureHooks gives a counted feature,
and the tallies its propagation hooks read."""

from sqlalchemy import event, select

from core.db import session_scope
from core.models import Domain, User
from core.services.feature_access import CountedFeatureHooks
from core.services.feature_accounts import (
    CountedFeature,
    grant,
    read_tallies,
    revoke,
)
from core.settings.counted_feature import (
    access_section,
    accounts_field,
    accounts_section,
    user_management_field,
)
from core.settings.section import SectionModel
from tests.plugin_support import add_domain

FEATURE = CountedFeature(name="pager", section="pager", label="Pager")


class PagerSettings(SectionModel):
    accounts: int = accounts_field("Most users that may be paged.")
    user_management: bool = user_management_field(FEATURE)


SECTION = accounts_section(FEATURE, PagerSettings, description="P.", plugin="p")
USER_SECTION = access_section(
    FEATURE, model_name="PagerUser", description="P.", enabled="Paged.", plugin="p"
)
HOOKS = CountedFeatureHooks(FEATURE, SECTION, USER_SECTION)


def test_hooks_register_the_feature_sections():
    assert HOOKS.register_domain_sections() == [SECTION]
    assert HOOKS.register_user_sections() == [USER_SECTION]
    assert HOOKS.register_propagation_sections() == ["pager"]


def test_hooks_add_access_column_to_users_export():
    users = HOOKS.register_export_columns(kind="users")
    domains = HOOKS.register_export_columns(kind="domains")

    assert [column.name for column in users] == ["pagerAccess"]
    assert domains == []


def test_tallies_read_once_a_transaction(runtime):
    # Given a domain that gave one account
    add_domain(runtime, "a.test")
    statements: list[str] = []
    event.listen(
        runtime.engine,
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )

    with session_scope(runtime.engine) as session:
        domain, user = session.execute(select(Domain, User).join(User)).one()
        grant(session, FEATURE, user, domain, 5, "test")
        statements.clear()

        # When the tallies are read twice in the transaction
        first = read_tallies(session, FEATURE)
        second = read_tallies(session, FEATURE)

    # Then one query served both
    assert first == second == {domain.id: 1}
    assert len([s for s in statements if "feature_account_usage" in s]) == 1


def test_changed_tally_is_read_again(runtime):
    add_domain(runtime, "a.test")

    with session_scope(runtime.engine) as session:
        domain, user = session.execute(select(Domain, User).join(User)).one()
        before = dict(read_tallies(session, FEATURE))
        grant(session, FEATURE, user, domain, 5, "test")
        granted = dict(read_tallies(session, FEATURE))
        revoke(session, FEATURE, user)
        revoked = dict(read_tallies(session, FEATURE))

    assert (before, granted, revoked) == ({}, {domain.id: 1}, {domain.id: 0})
