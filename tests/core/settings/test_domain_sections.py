"""Core's domain sections: the reference's defaults and their validation."""

import pytest

from core.errors import InvalidInputs
from core.settings.domain import SECTIONS
from core.settings.registry import SettingsRegistry

REFERENCE_DEFAULTS = {
    "limits": {
        "disk_space_mb": 500,
        "users": 100,
        "user_aliases": 1000,
        "domain_aliases": 2,
        "max_message_size_kb": 10_000,
        "recipients_per_message": 200,
    },
    "throttling": {
        "outgoing_messages_per_hour": 5000,
        "message_action": "delay",
        "outgoing_bandwidth_mb_per_hour": 100,
        "bandwidth_action": "delay",
        "bounces_per_hour": 1000,
        "bounces_action": "reject",
        "standard_priority": "normal",
    },
    "options": {"outgoing_gateway": None},
}


@pytest.fixture
def registry() -> SettingsRegistry:
    return SettingsRegistry(SECTIONS)


def test_sections_follow_the_reference_cards(registry):
    names = [spec.name for spec in registry.sections("domain")]

    assert names == [
        "options",
        "limits",
        "email",
        "security",
        "misc",
        "throttling",
        "features",
        "loginDisplay",
    ]


@pytest.mark.parametrize("section", list(REFERENCE_DEFAULTS))
def test_defaults_match_the_reference(registry, section):
    assert registry.defaults("domain")[section] == REFERENCE_DEFAULTS[section]


def test_every_field_is_described(registry):
    for spec in registry.sections("domain"):
        for name, info in spec.model.model_fields.items():
            assert info.description, f"{spec.name}.{name} has no description"


def test_missing_section_reads_as_defaults(registry):
    limits = registry.read("domain", {}, "limits")

    assert limits.users == 100


def test_stored_value_no_longer_valid_reads_leniently(registry):
    stored = {"limits": {"users": -3, "disk_space_mb": 900}}

    limits = registry.read("domain", stored, "limits")

    assert (limits.users, limits.disk_space_mb) == (100, 900)


@pytest.mark.parametrize("stored", [5, True, "text", [1]], ids=str)
def test_section_not_an_object_reads_as_defaults(registry, stored):
    limits = registry.read("domain", {"limits": stored}, "limits")

    assert limits.users == 100


def test_patch_leaves_other_sections_and_fields(registry):
    document = registry.defaults("domain")

    patched = registry.apply_patch(
        "domain", document, {"limits": {"users": 5}}, prefix="settings"
    )

    assert patched["limits"]["users"] == 5
    assert patched["limits"]["disk_space_mb"] == 500
    assert patched["features"] == document["features"]
    assert document["limits"]["users"] == 100


def test_patch_names_every_bad_field(registry):
    with pytest.raises(InvalidInputs) as caught:
        registry.apply_patch(
            "domain",
            {},
            {"limits": {"users": -1}, "misc": {"calendar_auto_clean_months": 999}},
            prefix="settings",
        )

    fields = [error.field for error in caught.value.errors]
    assert fields == ["settings.limits.users", "settings.misc.calendarAutoCleanMonths"]


def test_domain_admin_fields_exist_in_their_models(registry):
    for spec in registry.sections("domain"):
        assert spec.domain_admin_fields <= set(spec.model.model_fields)
