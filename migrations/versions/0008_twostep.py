"""two-step authentication: accounts, challenges, recovery codes, app
passwords, and restricted sessions

Revision ID: 0008
Revises: 0001
Create Date: 2026-12-03 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _user_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"],
        ["user.id"],
        name=op.f(f"fk_{table}_user_id_user"),
        ondelete="CASCADE",
    )


def _user_index(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f(f"ix_{table}_user_id"), ["user_id"], unique=False
        )


def upgrade() -> None:
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restricted_to", _string(32), nullable=True))

    op.create_table(
        "twostep_account",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", _string(255), nullable=True),
        sa.Column("pending_secret", _string(255), nullable=True),
        sa.Column("pending_secret_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_time_step", sa.BigInteger(), nullable=True),
        sa.Column("recovery_email", _string(320), nullable=True),
        sa.Column("pending_email", _string(320), nullable=True),
        sa.Column("pending_email_code_hash", _string(128), nullable=True),
        sa.Column(
            "pending_email_expires_at", sa.DateTime(timezone=True), nullable=True
        ),
        sa.Column("pending_email_attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        _user_key("twostep_account"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_twostep_account")),
    )

    op.create_table(
        "twostep_challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_hash", _string(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("email_code_hash", _string(128), nullable=True),
        sa.Column("email_codes_sent", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_key("twostep_challenge"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_twostep_challenge")),
        sa.UniqueConstraint(
            "challenge_hash", name=op.f("uq_twostep_challenge_challenge_hash")
        ),
    )
    _user_index("twostep_challenge")

    op.create_table(
        "twostep_recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", _string(128), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _user_key("twostep_recovery_code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_twostep_recovery_code")),
    )
    _user_index("twostep_recovery_code")

    op.create_table(
        "twostep_app_password",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", _string(64), nullable=False),
        sa.Column("password_hash", _string(64), nullable=False),
        sa.Column("password_encrypted", _string(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        _user_key("twostep_app_password"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_twostep_app_password")),
        sa.UniqueConstraint(
            "user_id", "name", name=op.f("uq_twostep_app_password_user_id_name")
        ),
    )
    _user_index("twostep_app_password")
    with op.batch_alter_table("twostep_app_password", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_twostep_app_password_password_hash"),
            ["password_hash"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("twostep_app_password")
    op.drop_table("twostep_recovery_code")
    op.drop_table("twostep_challenge")
    op.drop_table("twostep_account")
    with op.batch_alter_table("auth_token", schema=None) as batch_op:
        batch_op.drop_column("restricted_to")
