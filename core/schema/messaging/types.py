"""Types the messaging mutations share."""

import strawberry

from core.services.recipients import RecipientGroup

strawberry.enum(
    RecipientGroup,
    description="Who a mass email or notification goes to. ALL_USERS and "
    "ALL_DOMAIN_ADMINS are for system administrators; DOMAIN_USERS needs "
    "domain, USER needs user.",
)
