"""What the user mutations share: reading their patch inputs."""

from strawberry.types.unset import UNSET

from core.schema.settings_types import settings_patch

__all__ = ["given", "settings_patch"]


def given(value, default=None):
    """A field of a patch input, ``default`` when left out or null."""
    return default if value is None or value is UNSET else value
