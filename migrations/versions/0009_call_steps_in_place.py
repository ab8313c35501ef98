"""calls: an answered question updates its call in place (partial index on unfinished calls, fillfactor 70)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UNFINISHED = sa.text("ended_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_phone_calls_unfinished", table_name="phone_calls")
    op.create_index(
        "ix_phone_calls_unfinished",
        "phone_calls",
        ["started_at"],
        sqlite_where=UNFINISHED,
        postgresql_where=UNFINISHED,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE phone_calls SET (fillfactor = 70)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE phone_calls RESET (fillfactor)")
    op.drop_index("ix_phone_calls_unfinished", table_name="phone_calls")
    op.create_index("ix_phone_calls_unfinished", "phone_calls", ["ended_at", "last_step_at"])
