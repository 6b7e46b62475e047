"""The priority and throttling card."""

from enum import Enum

from pydantic import Field

from core.settings.section import SectionModel, SectionSpec


class Priority(Enum):
    """Delivery priority of a message."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class ThrottleAction(Enum):
    """What happens once a threshold is met in the hour."""

    NONE = "none"
    DELAY = "delay"
    REJECT = "reject"


class ThrottlingSettings(SectionModel):
    standard_priority: Priority = Field(
        default=Priority.NORMAL,
        description="Priority of messages nothing else gives one.",
    )
    outgoing_messages_per_hour: int = Field(
        default=5000, ge=0, description="Messages the domain may send per hour."
    )
    message_action: ThrottleAction = Field(
        default=ThrottleAction.DELAY,
        description="Action once the message threshold is met.",
    )
    outgoing_bandwidth_mb_per_hour: int = Field(
        default=100, ge=0, description="MB the domain may send per hour."
    )
    bandwidth_action: ThrottleAction = Field(
        default=ThrottleAction.DELAY,
        description="Action once the bandwidth threshold is met.",
    )
    bounces_per_hour: int = Field(
        default=1000,
        ge=0,
        description="Messages from null senders the domain may receive per hour.",
    )
    bounces_action: ThrottleAction = Field(
        default=ThrottleAction.REJECT,
        description="Action once the bounce threshold is met.",
    )


SECTION = SectionSpec(
    name="throttling",
    model=ThrottlingSettings,
    scope="domain",
    description="Delivery priority and hourly sending thresholds.",
)
