"""plugins and licensing: counted feature accounts, EAS devices and wipes

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-04 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feature_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "feature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column(
            "granted_by", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False
        ),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_feature_account_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_feature_account_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_account")),
        sa.UniqueConstraint(
            "user_id", "feature", name=op.f("uq_feature_account_user_id_feature")
        ),
    )
    with op.batch_alter_table("feature_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feature_account_domain_id"), ["domain_id"], unique=False
        )

    op.create_table(
        "feature_account_usage",
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column(
            "feature", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_feature_account_usage_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "domain_id", "feature", name=op.f("pk_feature_account_usage")
        ),
    )

    op.create_table(
        "eas_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "device_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False
        ),
        sa.Column(
            "model", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False
        ),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_eas_device_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eas_device")),
        sa.UniqueConstraint(
            "user_id", "device_id", name=op.f("uq_eas_device_user_id_device_id")
        ),
    )
    with op.batch_alter_table("eas_device", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eas_device_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "eas_wipe_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_pk", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "requested_by",
            sqlmodel.sql.sqltypes.AutoString(length=320),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_pk"],
            ["eas_device.id"],
            name=op.f("fk_eas_wipe_request_device_pk_eas_device"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eas_wipe_request")),
    )
    with op.batch_alter_table("eas_wipe_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eas_wipe_request_device_pk"), ["device_pk"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("eas_wipe_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eas_wipe_request_device_pk"))
    op.drop_table("eas_wipe_request")
    with op.batch_alter_table("eas_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eas_device_user_id"))
    op.drop_table("eas_device")
    op.drop_table("feature_account_usage")
    with op.batch_alter_table("feature_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feature_account_domain_id"))
    op.drop_table("feature_account")
