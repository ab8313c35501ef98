"""intake safety: why a case is phone only, unalerted high-risk cases, tasks no officer could take

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.extensions

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("phone_only_reason", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("duty_alert_failed_at", app.extensions.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("unassigned_alerted_at", app.extensions.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("unassigned_alerted_at")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("duty_alert_failed_at")
        batch.drop_column("phone_only_reason")
