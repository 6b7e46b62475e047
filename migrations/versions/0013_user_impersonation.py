"""sessions of domain administrators impersonating their users

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-03 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("impersonator_user_id", sa.Integer(), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_auth_token_impersonator_user_id_user"),
            "user",
            ["impersonator_user_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_auth_token_impersonator_user_id_user"), type_="foreignkey"
        )
        batch_op.drop_column("impersonator_user_id")
