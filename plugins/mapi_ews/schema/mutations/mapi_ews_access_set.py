"""setMapiEwsAccess: give or take a user's MAPI/EWS access."""

from typing import Annotated

import strawberry

from core.schema.context import Info
from core.schema.plugins.feature_accounts import (
    FeatureAccessInput,
    FeatureAccessPayload,
    resolve_set_access,
)
from plugins.mapi_ews.settings import FEATURE


@strawberry.type
class MapiEwsAccessSetMutation:
    @strawberry.mutation(
        description="Give or take a user's MAPI/EWS access. Access counts "
        "against the domain's MAPI/EWS accounts; domain administrators may "
        "change it only while the domain's MAPI/EWS user management is on."
    )
    def set_mapi_ews_access(
        self,
        info: Info,
        input: Annotated[
            FeatureAccessInput, strawberry.argument(description="The change.")
        ],
    ) -> FeatureAccessPayload:
        return resolve_set_access(info, FEATURE, input)
