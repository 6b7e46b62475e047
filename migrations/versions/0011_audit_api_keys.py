"""audit log, API keys and login throttling

Revision ID: 0011
Revises: 0001
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    _create_audit_entry()
    _create_api_keys()
    _create_login_failure()


def _create_audit_entry() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", _text(64), nullable=False),
        sa.Column("outcome", _text(16), nullable=False),
        sa.Column("error_code", _text(64), nullable=True),
        sa.Column("actor", _text(320), nullable=False),
        sa.Column("actor_kind", _text(32), nullable=False),
        sa.Column("on_behalf_of", _text(320), nullable=True),
        sa.Column("target_kind", _text(64), nullable=True),
        sa.Column("target", _text(320), nullable=True),
        sa.Column("domain_id", sa.Integer(), nullable=True),
        sa.Column("domain_name", _text(253), nullable=True),
        sa.Column("address", _text(64), nullable=True),
        sa.Column("changes", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_entry_action"), ["action"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_entry_actor"), ["actor"], unique=False
        )
        batch_op.create_index(
            "ix_audit_entry_domain_id_id", ["domain_id", "id"], unique=False
        )


def _create_api_keys() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _text(100), nullable=False),
        sa.Column("prefix", _text(16), nullable=False),
        sa.Column("secret_hash", _text(64), nullable=False),
        sa.Column("role", _text(16), nullable=False),
        sa.Column("all_domains", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["system_admin.id"],
            name=op.f("fk_api_key_created_by_id_system_admin"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("name", name=op.f("uq_api_key_name")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_key_secret_hash")),
    )
    op.create_table(
        "api_key_domain",
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_api_key_domain_api_key_id_api_key"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domain.id"],
            name=op.f("fk_api_key_domain_domain_id_domain"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "api_key_id", "domain_id", name=op.f("pk_api_key_domain")
        ),
    )
    with op.batch_alter_table("api_key_domain", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_key_domain_domain_id"), ["domain_id"], unique=False
        )


def _create_login_failure() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", _text(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failure")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_login_failure_key_hash")),
    )


def downgrade() -> None:
    op.drop_table("login_failure")
    with op.batch_alter_table("api_key_domain", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_domain_domain_id"))
    op.drop_table("api_key_domain")
    op.drop_table("api_key")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_domain_id_id")
        batch_op.drop_index(batch_op.f("ix_audit_entry_actor"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_action"))
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
    op.drop_table("audit_entry")
