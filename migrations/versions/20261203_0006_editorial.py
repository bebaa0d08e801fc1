"""Editorial: content revisions and pointers, the published content change feed and
resolved-view hashes, translator locales, the audit log (issue #11)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target_kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)

    op.create_table(
        "content_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "entity_kind",
            sa.Enum("item", "checklist", "term", name="entitykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("entity_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("op", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_change")),
    )
    with op.batch_alter_table("content_change", schema=None) as batch_op:
        batch_op.create_index("ix_content_change_locale_seq", ["locale", "seq"], unique=False)

    op.create_table(
        "content_pointer",
        sa.Column(
            "entity_kind",
            sa.Enum("item", "checklist", "term", name="entitykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("entity_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("draft_rev", sa.Integer(), nullable=False),
        sa.Column("published_rev", sa.Integer(), nullable=False),
        sa.Column("published_seq", sa.BigInteger(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(
            "entity_kind", "entity_key", "locale", name=op.f("pk_content_pointer")
        ),
    )
    op.create_table(
        "content_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "entity_kind",
            sa.Enum("item", "checklist", "term", name="entitykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("entity_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("source_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("item_hashes", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "machine",
                "reviewed",
                name="translationstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_revision")),
        sa.UniqueConstraint(
            "entity_kind",
            "entity_key",
            "locale",
            "rev",
            name=op.f("uq_content_revision_entity_kind_entity_key_locale_rev"),
        ),
    )
    op.create_table(
        "content_view",
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column(
            "entity_kind",
            sa.Enum("item", "checklist", "term", name="entitykind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("entity_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("view_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint(
            "locale", "entity_kind", "entity_key", name=op.f("pk_content_view")
        ),
    )
    op.create_table(
        "user_locale",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_user_locale_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "locale", name=op.f("pk_user_locale")),
    )
    with op.batch_alter_table("content_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_valid_seq", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("content_state", schema=None) as batch_op:
        batch_op.drop_column("min_valid_seq")

    op.drop_table("user_locale")
    op.drop_table("content_view")
    op.drop_table("content_revision")
    op.drop_table("content_pointer")
    with op.batch_alter_table("content_change", schema=None) as batch_op:
        batch_op.drop_index("ix_content_change_locale_seq")

    op.drop_table("content_change")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
