"""mailing lists: lists, subscribers, pending confirmations and posts

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-04 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _list_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["list_id"],
        ["mailing_list.id"],
        name=op.f(f"fk_{table}_list_id_mailing_list"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "mailing_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("local_part", _string(64), nullable=False),
        sa.Column("description", _string(512), nullable=False),
        sa.Column("posting_policy", _string(16), nullable=False),
        sa.Column("moderators", sa.JSON(), nullable=False),
        sa.Column("subscriber_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_mailing_list_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_list")),
        sa.UniqueConstraint(
            "domain_id",
            "local_part",
            name=op.f("uq_mailing_list_domain_id_local_part"),
        ),
    )
    with op.batch_alter_table("mailing_list", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mailing_list_domain_id"), ["domain_id"], unique=False
        )

    op.create_table(
        "mailing_list_subscriber",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("address", _string(320), nullable=False),
        sa.Column("display_name", _string(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _list_key("mailing_list_subscriber"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_list_subscriber")),
        sa.UniqueConstraint(
            "list_id",
            "address",
            name=op.f("uq_mailing_list_subscriber_list_id_address"),
        ),
    )
    with op.batch_alter_table("mailing_list_subscriber", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mailing_list_subscriber_list_id"), ["list_id"], unique=False
        )

    op.create_table(
        "mailing_list_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("address", _string(320), nullable=False),
        sa.Column("action", _string(16), nullable=False),
        sa.Column("token_hash", _string(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _list_key("mailing_list_confirmation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_list_confirmation")),
        sa.UniqueConstraint(
            "list_id",
            "address",
            "action",
            name=op.f("uq_mailing_list_confirmation_list_id_address_action"),
        ),
        sa.UniqueConstraint(
            "token_hash", name=op.f("uq_mailing_list_confirmation_token_hash")
        ),
    )
    with op.batch_alter_table("mailing_list_confirmation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mailing_list_confirmation_list_id"),
            ["list_id"],
            unique=False,
        )

    op.create_table(
        "mailing_list_post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("sender", _string(320), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _list_key("mailing_list_post"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_list_post")),
    )
    with op.batch_alter_table("mailing_list_post", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mailing_list_post_list_id"), ["list_id"], unique=False
        )


def downgrade() -> None:
    for table in (
        "mailing_list_post",
        "mailing_list_confirmation",
        "mailing_list_subscriber",
        "mailing_list",
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            key = "domain_id" if table == "mailing_list" else "list_id"
            batch_op.drop_index(batch_op.f(f"ix_{table}_{key}"))
        op.drop_table(table)
