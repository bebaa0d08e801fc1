"""Content delta patches: the stored view beside its hash, a patch on each put (#13)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, nothing backfilled: a view stored before sends its next change whole.
    with op.batch_alter_table("content_view", schema=None) as batch_op:
        batch_op.add_column(sa.Column("view_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("content_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patch", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("base_seq", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_change", schema=None) as batch_op:
        batch_op.drop_column("base_seq")
        batch_op.drop_column("patch")
    with op.batch_alter_table("content_view", schema=None) as batch_op:
        batch_op.drop_column("seq")
        batch_op.drop_column("view_json")
