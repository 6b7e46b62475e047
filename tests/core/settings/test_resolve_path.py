"""Setting paths: sections, fields, and fields inside nested models."""

import pytest

from core.errors import InvalidInput
from core.settings.domain import SECTIONS
from core.settings.registry import SettingsRegistry
from plugins.autodiscover.settings import SECTION as AUTODISCOVER

KNOWN = [
    ("limits", ("limits", None)),
    ("limits.diskSpaceMb", ("limits", "disk_space_mb")),
    ("autodiscover", ("autodiscover", None)),
    ("autodiscover.desktopOverride", ("autodiscover", "desktop_override")),
    ("autodiscover.imap", ("autodiscover", "imap")),
    ("autodiscover.imap.port", ("autodiscover", "imap.port")),
    ("autodiscover.carddav.encryption", ("autodiscover", "carddav.encryption")),
]

UNKNOWN = [
    "nosuch",
    "nosuch.port",
    "limits.",
    "limits.nope",
    "limits.users.x",
    "autodiscover.imap.nope",
    "autodiscover.imap.port.x",
    "autodiscover.desktopXml.x",
    "autodiscover..port",
]


@pytest.fixture
def registry() -> SettingsRegistry:
    return SettingsRegistry([*SECTIONS, AUTODISCOVER])


@pytest.mark.parametrize(("path", "expected"), KNOWN, ids=[p for p, _ in KNOWN])
def test_resolve_path_descends_nested_models(registry, path, expected):
    assert registry.resolve_path("domain", path) == expected


@pytest.mark.parametrize("path", UNKNOWN, ids=UNKNOWN)
def test_resolve_path_refuses_unknown_setting(registry, path):
    with pytest.raises(InvalidInput) as caught:
        registry.resolve_path("domain", path)

    assert caught.value.code == "UNKNOWN_SETTING"


def test_resolve_path_keeps_scopes_apart(registry):
    with pytest.raises(InvalidInput) as caught:
        registry.resolve_path("user", "autodiscover.imap.port")

    assert caught.value.code == "UNKNOWN_SETTING"


@pytest.mark.parametrize(
    ("path", "meant"),
    [
        ("limits.disk_space_mb", "limits.diskSpaceMb"),
        ("limits.DiskSpaceMb", "limits.diskSpaceMb"),
        ("autodiscover.imap.Port", "autodiscover.imap.port"),
    ],
)
def test_resolve_path_refuses_other_spellings_naming_the_field(registry, path, meant):
    with pytest.raises(InvalidInput) as caught:
        registry.resolve_path("domain", path)

    assert caught.value.code == "UNKNOWN_SETTING"
    assert repr(meant) in caught.value.message
