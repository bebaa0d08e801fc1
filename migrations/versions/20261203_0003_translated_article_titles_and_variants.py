"""Translated legal article titles per item translation; glossary term variants

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 13:56:46.941886
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("content_item_translation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("article_titles", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )

    with op.batch_alter_table("glossary_term_translation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("variants", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("glossary_term_translation", schema=None) as batch_op:
        batch_op.drop_column("variants")

    with op.batch_alter_table("content_item_translation", schema=None) as batch_op:
        batch_op.drop_column("article_titles")
