"""Validation errors name fields and enum choices as the API spells them."""

from enum import Enum

import pytest
from pydantic import Field, ValidationError

from core.settings.registry import field_errors
from core.settings.section import SectionModel


class Delivery(Enum):
    LOCAL = "local"
    EXTERNAL_MX = "external_mx"


class Inner(SectionModel):
    route_mode: Delivery | None = Field(default=None, description="A mode.")


class Outer(SectionModel):
    inbound_delivery: Delivery = Field(default=Delivery.LOCAL, description="How.")
    nested_part: Inner = Field(default_factory=Inner, description="Nested.")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"inbound_delivery": None}, "settings.email.inboundDelivery"),
        ({"inbound_delivery": "elsewhere"}, "settings.email.inboundDelivery"),
        ({"nested_part": {"route_mode": "x"}}, "settings.email.nestedPart.routeMode"),
    ],
)
def test_enum_errors_list_the_api_names(values, field):
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate(values)

    [error] = field_errors(caught.value, "settings.email", Outer)

    assert error.field == field
    assert error.message == f"{field}: expected one of LOCAL, EXTERNAL_MX."


def test_without_the_model_the_message_is_pydantics():
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate({"inbound_delivery": None})

    [error] = field_errors(caught.value, "settings.email")

    assert "'local'" in error.message
