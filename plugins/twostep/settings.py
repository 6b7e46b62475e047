"""The twoStep section: whether the domain may use two-step authentication,
and whether its users may (ENABLED) or must (FORCED) use it."""

from enum import Enum

from pydantic import Field, ValidationInfo, field_validator

from core.settings.section import SectionModel, SectionSpec


class TwoStepStatus(Enum):
    """Whether the domain's users may or must use two-step authentication."""

    DISABLED = "disabled"
    ENABLED = "enabled"
    FORCED = "forced"


class TwoStepSettings(SectionModel):
    # ``enabled`` comes first: the status check below reads it.
    enabled: bool = Field(
        default=True,
        description="The domain may use two-step authentication; its "
        "administrators may then choose the status.",
    )
    status: TwoStepStatus = Field(
        default=TwoStepStatus.DISABLED,
        description="DISABLED, ENABLED (users may set it up) or FORCED (users "
        "must set it up at their next login).",
    )

    @field_validator("status")
    @classmethod
    def validate_status(cls, status: TwoStepStatus, info: ValidationInfo):
        # Read leniently field by field, ``enabled`` may be missing.
        if info.data.get("enabled", True) or status is TwoStepStatus.DISABLED:
            return status
        raise ValueError("must be DISABLED while two-step authentication is off")


SECTION = SectionSpec(
    name="twoStep",
    model=TwoStepSettings,
    scope="domain",
    description="Two-step authentication: a code from an authenticator app "
    "or a recovery address after the password.",
    domain_admin_fields=frozenset({"status"}),
    plugin="twostep",
)
