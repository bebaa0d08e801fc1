"""Case notes: who wrote the current text (edited_by)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_note_edited_by_user_account"),
            "user_account",
            ["edited_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("case_note", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_note_edited_by_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("edited_by")
