"""setEasAccess: give or take a user's EAS access."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.plugins.feature_accounts import (
    FeatureAccessInput,
    FeatureAccessPayload,
    resolve_set_access,
)
from plugins.eas.settings import FEATURE


@strawberry.type
class EasAccessSetMutation:
    @strawberry.mutation(
        description="Give or take a user's EAS access. Access counts against "
        "the domain's EAS accounts; domain administrators may change it only "
        "while the domain's EAS user management is on."
    )
    def set_eas_access(
        self,
        info: Info,
        input: Annotated[
            FeatureAccessInput, strawberry.argument(description="The change.")
        ],
    ) -> FeatureAccessPayload:
        return resolve_set_access(info, FEATURE, input)
