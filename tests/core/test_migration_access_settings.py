"""Migration 0012: access given before it shows in the users' settings."""

from alembic import command
from sqlalchemy import select

from core.db import session_scope
from core.migrate import alembic_config, upgrade
from core.models import FeatureAccount, User
from core.services.domains import DomainCreate, create_domain
from core.services.users import add_user


def test_existing_accounts_set_the_access_fields(runtime):
    # Given users from before the migration: one with an EAS account and
    # settings of its own, one with both accounts, one with none
    with session_scope(runtime.engine) as session:
        domain = create_domain(
            session, runtime, DomainCreate("a.test", "boss", "pw-123456")
        )
        users = {
            name: add_user(
                session,
                domain,
                name,
                None,
                user_limit=10,
                password_hash="x",
                settings={"serviceAccess": {"pop": False}},
            )
            for name in ("eas", "both", "none")
        }
        session.flush()
        for name, feature in [("eas", "eas"), ("both", "eas"), ("both", "mapi_ews")]:
            session.add(
                FeatureAccount(
                    domain_id=domain.id, user_id=users[name].id, feature=feature
                )
            )
    _step_back_before_0012(runtime.engine)

    # When the database is brought to the newest schema again
    upgrade(runtime.engine)

    # Then each user's sections say what its accounts give, the rest kept
    with session_scope(runtime.engine, write=False) as session:
        settings = dict(session.execute(select(User.local_part, User.settings)).all())
    assert settings["eas"] == {
        "serviceAccess": {"pop": False},
        "eas": {"enabled": True},
    }
    assert settings["both"]["eas"] == {"enabled": True}
    assert settings["both"]["mapiEws"] == {"enabled": True}
    assert settings["none"] == {"serviceAccess": {"pop": False}}


def _step_back_before_0012(engine) -> None:
    config = alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
