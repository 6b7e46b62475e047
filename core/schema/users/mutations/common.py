"""What the user mutations share: reading their patch inputs."""

from strawberry.types.unset import UNSET

from core.schema.settings_types import patch_to_dict


def settings_patch(value) -> dict | None:
    """A settings patch input as a plain dict; None when none was given."""
    if value is None or value is UNSET:
        return None
    return patch_to_dict(value) or None


def given(value, default=None):
    """A field of a patch input, ``default`` when left out or null."""
    return default if value is None or value is UNSET else value
