"""tasks: a partial index on open tasks whose owner has not been told, for the assign jobs' drain and the sweep

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UNTOLD = sa.text("status = 'open' AND notified_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_tasks_untold", "tasks", ["created_at", "id"], sqlite_where=UNTOLD, postgresql_where=UNTOLD)


def downgrade() -> None:
    op.drop_index("ix_tasks_untold", table_name="tasks")
