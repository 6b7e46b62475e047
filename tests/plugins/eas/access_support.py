"""Helpers for the tests of EAS and MAPI/EWS access as user settings."""

from sqlalchemy import select

from core.db import session_scope
from core.models import Domain, FeatureAccount, FeatureAccountUsage, User

# (user and domain section, license feature, its setAccess mutation)
FEATURES = [("eas", "eas", "setEasAccess"), ("mapiEws", "mapi_ews", "setMapiEwsAccess")]

UPDATE_USER = """
mutation Update($input: UserUpdateInput!) {
  updateUser(input: $input) {
    user { email }
    errors { field code message }
  }
}
"""


def domain_settings(section: str, accounts: int, management: bool = True) -> dict:
    return {section: {"accounts": accounts, "user_management": management}}


def set_enabled(client, section: str, email: str, enabled: bool) -> dict:
    settings = {section: {"enabled": enabled}}
    payload = {"email": email, "settings": settings}
    return client.mutate(UPDATE_USER, payload)


def access_of(runtime, feature_name: str) -> dict[str, bool]:
    """Every user's address: whether its settings and its account agree it has
    access (an account without the setting, or the reverse, fails the test)."""
    with session_scope(runtime.engine, write=False) as session:
        rows = session.execute(
            select(User, Domain.name).join(Domain, Domain.id == User.domain_id)
        ).all()
        granted = set(
            session.execute(
                select(FeatureAccount.user_id).where(
                    FeatureAccount.feature == feature_name
                )
            ).scalars()
        )
    section = "eas" if feature_name == "eas" else "mapiEws"
    access = {}
    for user, domain in rows:
        setting = runtime.registry.read("user", user.settings, section).enabled
        assert setting == (user.id in granted), f"{user.local_part}@{domain}"
        access[f"{user.local_part}@{domain}"] = setting
    return access


def used_of(runtime, feature_name: str, domain_name: str) -> int:
    with session_scope(runtime.engine, write=False) as session:
        used = session.execute(
            select(FeatureAccountUsage.used)
            .join(Domain, Domain.id == FeatureAccountUsage.domain_id)
            .where(
                Domain.name == domain_name, FeatureAccountUsage.feature == feature_name
            )
        ).scalar_one_or_none()
    return used or 0
