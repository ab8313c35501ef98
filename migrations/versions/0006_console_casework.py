"""console casework: notes and signposting on a case, contact preferences, and who took a report in the console

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.extensions

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TAKEN_BY = "fk_cases_taken_by_id_staff"


def upgrade() -> None:
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("agency", sa.String(length=30), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_notes_case", "case_notes", ["case_id", "created_at"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("taken_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("taken_how", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("contact_method", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("safe_times", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("adjustments", sa.String(length=500), nullable=True))
        batch.create_foreign_key(TAKEN_BY, "staff", ["taken_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(TAKEN_BY, type_="foreignkey")
        batch.drop_column("adjustments")
        batch.drop_column("safe_times")
        batch.drop_column("contact_method")
        batch.drop_column("taken_how")
        batch.drop_column("taken_by_id")
    op.drop_index("ix_case_notes_case", table_name="case_notes")
    op.drop_table("case_notes")
