"""show counted-feature access in the users' settings

EAS and MAPI/EWS access became user settings sections (``eas.enabled``,
``mapiEws.enabled``) kept in step with the ``feature_account`` rows; users
given access before then get the field set from their rows.

Revision ID: 0012
Revises: 0004
Create Date: 2026-12-03 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECTIONS = {"eas": "eas", "mapi_ews": "mapiEws"}

_json = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
user = sa.table("user", sa.column("id", sa.Integer), sa.column("settings", _json))
account = sa.table(
    "feature_account", sa.column("user_id", sa.Integer), sa.column("feature")
)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(user.c.id, user.c.settings, account.c.feature).join(
            account, account.c.user_id == user.c.id
        )
    ).all()
    documents: dict[int, dict] = {}
    for user_id, settings, feature in rows:
        section = SECTIONS.get(feature)
        if section is None:
            continue
        document = documents.setdefault(user_id, dict(settings or {}))
        document[section] = {**(document.get(section) or {}), "enabled": True}
    for user_id, document in documents.items():
        bind.execute(
            sa.update(user).where(user.c.id == user_id).values(settings=document)
        )


def downgrade() -> None:
    # The rows stay the truth for access; the fields are harmless to keep.
    pass
