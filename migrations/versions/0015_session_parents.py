"""sessions record the session that started them (impersonation chains)

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_token_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_auth_token_parent_token_id"), ["parent_token_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_auth_token_parent_token_id_auth_token"),
            "auth_token",
            ["parent_token_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_auth_token_parent_token_id_auth_token"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_auth_token_parent_token_id"))
        batch_op.drop_column("parent_token_id")
