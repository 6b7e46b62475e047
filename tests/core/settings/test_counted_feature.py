"""The sections a counted feature declares through core.settings.counted_feature."""

import pytest
from pydantic import ValidationError

from core.errors import PluginError
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


class HalfPagerSettings(SectionModel):
    accounts: int = accounts_field("Most users that may be paged.")


def test_accounts_section_is_named_after_the_feature():
    spec = accounts_section(FEATURE, PagerSettings, description="Pager.", plugin="p")

    assert (spec.name, spec.scope, spec.plugin) == ("pager", "domain", "p")
    assert PagerSettings().model_dump() == {"accounts": 0, "user_management": False}


def test_accounts_field_rejects_negative_accounts():
    with pytest.raises(ValidationError):
        PagerSettings(accounts=-1)


def test_accounts_section_rejects_model_without_user_management():
    with pytest.raises(PluginError, match="user_management"):
        accounts_section(FEATURE, HalfPagerSettings, description="Pager.", plugin="p")


def test_access_section_is_one_enabled_switch():
    spec = access_section(
        FEATURE,
        model_name="PagerUserSettings",
        description="Paging.",
        enabled="May be paged.",
        plugin="p",
    )

    assert (spec.name, spec.scope, spec.plugin) == ("pager", "user", "p")
    assert spec.model.__name__ == "PagerUserSettings"
    assert spec.model().model_dump() == {"enabled": False}
    assert spec.domain_admin_fields == frozenset({"enabled"})
