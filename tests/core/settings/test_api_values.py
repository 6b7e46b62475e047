"""Stored setting values spelled as the API shows them."""

from enum import Enum

import pytest
from pydantic import Field

from core.errors import InvalidInput
from core.settings.api_values import api_value, as_shown
from core.settings.registry import SettingsRegistry
from core.settings.section import SectionModel, SectionSpec


class Mode(Enum):
    OFF = "off"
    EXTERNAL_MX = "external_mx"


class Inner(SectionModel):
    mode_now: Mode = Field(default=Mode.OFF, description="A mode.")


class Outer(SectionModel):
    inner_part: Inner = Field(default_factory=Inner, description="Nested.")
    maybe_mode: Mode | None = Field(default=None, description="Optional mode.")
    host_names: list[str] = Field(default_factory=list, description="Hosts.")


@pytest.fixture
def registry() -> SettingsRegistry:
    return SettingsRegistry([SectionSpec("outer", Outer, "domain", "Outer.")])


def test_whole_section_gets_camel_keys_and_enum_names(registry):
    stored = {
        "inner_part": {"mode_now": "external_mx"},
        "maybe_mode": None,
        "host_names": ["a_b.test"],
    }

    assert api_value(registry, "domain", "outer", stored) == {
        "innerPart": {"modeNow": "EXTERNAL_MX"},
        "maybeMode": None,
        "hostNames": ["a_b.test"],
    }


@pytest.mark.parametrize(
    ("path", "stored", "shown"),
    [
        ("outer.maybeMode", "off", "OFF"),
        ("outer.innerPart.modeNow", "external_mx", "EXTERNAL_MX"),
        ("outer.innerPart", {"mode_now": "off"}, {"modeNow": "OFF"}),
        ("outer.hostNames", ["x"], ["x"]),
    ],
)
def test_field_paths_are_shown_by_their_type(registry, path, stored, shown):
    assert api_value(registry, "domain", path, stored) == shown


def test_values_written_outside_the_api_are_shown_as_stored():
    assert as_shown(Outer, {"maybe_mode": "gone", "stray_key": 1}) == {
        "maybeMode": "gone",
        "stray_key": 1,
    }
    assert as_shown(Outer, "not an object") == "not an object"


def test_unknown_path_is_refused(registry):
    with pytest.raises(InvalidInput):
        api_value(registry, "domain", "outer.nope", 1)
