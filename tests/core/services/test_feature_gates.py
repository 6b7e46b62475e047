"""The feature gates' tables, judged on patches as services receive them."""

import pytest

from core.licensing import FREE_LICENSE
from core.services.feature_gates import LICENSED_FIELDS, licensed_field_errors
from core.settings.domain import SECTIONS


def test_every_licensed_field_exists():
    models = {spec.name: spec.model for spec in SECTIONS}

    for section, field in LICENSED_FIELDS:
        assert field in models[section].model_fields, f"{section}.{field}"


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        pytest.param(True, True, id="true"),
        pytest.param("yes", True, id="coerced-true"),
        pytest.param(False, False, id="false"),
        pytest.param(None, False, id="null"),
        pytest.param("maybe", False, id="not-a-boolean"),
    ],
)
def test_free_license_refuses_only_switching_on(value, refused):
    errors = licensed_field_errors(FREE_LICENSE, {"features": {"chat": value}})

    assert [error.code for error in errors] == ["LICENSE_REQUIRED"] * refused


def test_section_given_as_null_is_left_to_registry():
    assert licensed_field_errors(FREE_LICENSE, {"features": None}) == []
