"""The hook implementations CountedFeatureHooks gives a counted feature."""

from core.services.feature_access import CountedFeatureHooks
from core.services.feature_accounts import CountedFeature
from core.settings.counted_feature import (
    access_section,
    accounts_field,
    accounts_section,
    user_management_field,
)
from core.settings.section import SectionModel

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
