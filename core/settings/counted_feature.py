"""The two settings sections of a counted feature (EAS, MAPI/EWS).

``core.services.feature_accounts`` reads a domain section with ``accounts``
and ``user_management`` fields; ``core.services.feature_access`` keeps a
user section with one ``enabled`` field in step with the accounts. Both
are named after the feature's section. A plugin declares them here, so the
names, fields and bounds those services rely on are set in one place and
the plugin gives only its model, descriptions and name.
"""

from typing import TYPE_CHECKING, Any

from pydantic import Field, create_model

from core.errors import PluginError
from core.settings.section import SectionModel, SectionSpec

if TYPE_CHECKING:
    from core.services.feature_accounts import CountedFeature

DOMAIN_FIELDS = ("accounts", "user_management")
MAX_ACCOUNTS = 10_000_000


def accounts_field(description: str) -> Any:
    """The domain section's ``accounts``: how many users may have access."""
    return Field(default=0, ge=0, le=MAX_ACCOUNTS, description=description)


def user_management_field(feature: "CountedFeature") -> Any:
    """The domain section's ``user_management``, off by default."""
    return Field(
        default=False,
        description=f"Domain administrators may give the domain's {feature.label} "
        "accounts to its users.",
    )


def accounts_section(
    feature: "CountedFeature",
    model: type[SectionModel],
    *,
    description: str,
    plugin: str,
) -> SectionSpec:
    """The domain section of ``feature``, for ``register_domain_sections``.

    ``model`` declares ``accounts`` and ``user_management`` (with the two
    functions above) and any fields of the plugin's own. Raises
    ``PluginError`` when either of the two is missing.
    """
    missing = [name for name in DOMAIN_FIELDS if name not in model.model_fields]
    if missing:
        raise PluginError(
            f"{model.__name__} of plugin {plugin!r} lacks {missing!r}; declare "
            "them with accounts_field and user_management_field."
        )
    return SectionSpec(
        name=feature.section,
        model=model,
        scope="domain",
        description=description,
        plugin=plugin,
    )


def access_section(
    feature: "CountedFeature",
    *,
    model_name: str,
    description: str,
    enabled: str,
    plugin: str,
) -> SectionSpec:
    """The user section of ``feature``, for ``register_user_sections``.

    Its one field, ``enabled`` (off by default, described by ``enabled``),
    is the user's access; ``model_name`` names the GraphQL types.
    """
    model = create_model(
        model_name,
        __base__=SectionModel,
        enabled=(bool, Field(default=False, description=enabled)),
    )
    return SectionSpec(
        name=feature.section,
        model=model,
        scope="user",
        description=description,
        # Domain administrators may choose it only while the domain's user
        # management is on; core.services.feature_accounts checks that.
        domain_admin_fields=frozenset({"enabled"}),
        plugin=plugin,
    )
