"""users, user aliases and domain aliases

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column(
            "local_part", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("is_catch_all", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_user_alias_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_alias")),
        sa.UniqueConstraint(
            "domain_id", "local_part", name=op.f("uq_user_alias_domain_id_local_part")
        ),
    )
    with op.batch_alter_table("user_alias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_alias_domain_id"), ["domain_id"], unique=False
        )
        batch_op.create_index(
            "uq_user_alias_catch_all",
            ["domain_id"],
            unique=True,
            sqlite_where=sa.text("is_catch_all"),
            postgresql_where=sa.text("is_catch_all"),
        )

    op.create_table(
        "domain_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=253), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_domain_alias_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_alias")),
        sa.UniqueConstraint("name", name=op.f("uq_domain_alias_name")),
    )
    with op.batch_alter_table("domain_alias", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_domain_alias_domain_id"), ["domain_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("domain_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_domain_alias_domain_id"))
    op.drop_table("domain_alias")

    with op.batch_alter_table("user_alias", schema=None) as batch_op:
        batch_op.drop_index("uq_user_alias_catch_all")
        batch_op.drop_index(batch_op.f("ix_user_alias_domain_id"))
    op.drop_table("user_alias")
