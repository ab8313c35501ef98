"""hardening: raw inbound forms, one active conversation per number, one open flood alert per case,
any attachment content type, and the audit log

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.extensions

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")
OPEN_FLOOD_ALERT = sa.text("kind = 'text_flood' AND status = 'open'")


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.add_column(sa.Column("raw_form", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("content_type", type_=sa.Text(), existing_type=sa.String(length=100))
    op.create_index(
        "uq_text_conversations_one_active",
        "text_conversations",
        ["phone"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "uq_tasks_one_open_flood_alert",
        "tasks",
        ["case_id"],
        unique=True,
        sqlite_where=OPEN_FLOOD_ALERT,
        postgresql_where=OPEN_FLOOD_ALERT,
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_case", "audit_events", ["case_id", "at"])
    op.create_index("ix_audit_events_staff", "audit_events", ["staff_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_staff", table_name="audit_events")
    op.drop_index("ix_audit_events_case", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("uq_tasks_one_open_flood_alert", table_name="tasks")
    op.drop_index("uq_text_conversations_one_active", table_name="text_conversations")
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("content_type", type_=sa.String(length=100), existing_type=sa.Text())
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_column("raw_form")
