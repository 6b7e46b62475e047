"""disk space warnings

Revision ID: 0007
Revises: 0001
Create Date: 2026-12-05 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disk_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "subject", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_disk_warning_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_disk_warning_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disk_warning")),
        sa.UniqueConstraint("subject", name=op.f("uq_disk_warning_subject")),
    )
    with op.batch_alter_table("disk_warning", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_disk_warning_domain_id"), ["domain_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_disk_warning_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("disk_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disk_warning_user_id"))
        batch_op.drop_index(batch_op.f("ix_disk_warning_domain_id"))
    op.drop_table("disk_warning")
