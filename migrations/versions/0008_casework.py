"""casework: incidents, action plans, witnesses, interventions, contact log, surveys, reviews, closure

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.extensions
from app.casework.reviews import review_due
from app.clock import now

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "action_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", app.extensions.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("action_plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_plan_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_action_plan_items_open_due", ["done_at", "due_on"], unique=False)

    op.create_table(
        "action_plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("agreed_with_resident", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", app.extensions.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_how", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "version", name="uq_action_plan_version"),
    )
    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("decisions", sa.Text(), nullable=True),
        sa.Column("next_review_due", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reassigned_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reassigned_to_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_reviews_case_id"), ["case_id"], unique=False)

    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("closure_discussion", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.create_index("ix_contact_log_case", ["case_id", "at"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("received_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("occurred", sa.Text(), nullable=True),
        sa.Column("risk_answers", sa.JSON(), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_phone"), ["phone"], unique=False)

    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("other", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interventions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("short_code", sa.String(length=12), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", app.extensions.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_via", sa.String(length=10), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("kept_informed", sa.String(length=10), nullable=True),
        sa.Column("listened_to", sa.String(length=10), nullable=True),
        sa.Column("get_involved", sa.JSON(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
        sa.UniqueConstraint("short_code"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "witnesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("relationship_to_resident", sa.String(length=100), nullable=True),
        sa.Column("statement_taken", sa.Boolean(), nullable=False),
        sa.Column("consent_to_contact", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.extensions.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("witnesses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_witnesses_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resident_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("postal_address", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("officer_told_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closure_proposed_at", app.extensions.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_at", app.extensions.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("closed_reason_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closure_agreed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reopened_at", app.extensions.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("next_review_due", app.extensions.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_reminded_at", app.extensions.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_cases_review_due", ["status", "next_review_due"], unique=False)
        batch_op.create_foreign_key("fk_cases_officer_told_id_staff", "staff", ["officer_told_id"], ["id"])
        batch_op.create_foreign_key("fk_cases_closed_by_id_staff", "staff", ["closed_by_id"], ["id"])
        batch_op.create_foreign_key("fk_cases_closure_agreed_by_id_staff", "staff", ["closure_agreed_by_id"], ["id"])

    _backfill_review_dates()


def _backfill_review_dates() -> None:
    """Cases already open get their first manager's review 14 days after they opened, as new cases do.

    Those whose date has already passed show as overdue in the review queue, but are marked as reminded:
    the day reviews start, managers see the backlog in their queue rather than a text for each case.
    """
    cases = sa.table(
        "cases",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("created_at", app.extensions.UTCDateTime(timezone=True)),
        sa.column("next_review_due", app.extensions.UTCDateTime(timezone=True)),
        sa.column("review_reminded_at", app.extensions.UTCDateTime(timezone=True)),
    )
    connection = op.get_bind()
    undated = sa.select(cases.c.id, cases.c.created_at).where(
        cases.c.status == "open", cases.c.next_review_due.is_(None)
    )
    started = now()  # the app's clock: a test can name the day the migration runs
    dates = [
        {"case_id": case_id, "due": due, "reminded": started if due <= started else None}
        for case_id, due in ((case_id, review_due(opened)) for case_id, opened in connection.execute(undated))
    ]
    if dates:
        connection.execute(
            cases.update()
            .where(cases.c.id == sa.bindparam("case_id"))
            .values(next_review_due=sa.bindparam("due"), review_reminded_at=sa.bindparam("reminded")),
            dates,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("fk_cases_closure_agreed_by_id_staff", type_="foreignkey")
        batch_op.drop_constraint("fk_cases_closed_by_id_staff", type_="foreignkey")
        batch_op.drop_constraint("fk_cases_officer_told_id_staff", type_="foreignkey")
        batch_op.drop_index("ix_cases_review_due")
        batch_op.drop_column("review_reminded_at")
        batch_op.drop_column("next_review_due")
        batch_op.drop_column("reopened_at")
        batch_op.drop_column("closure_agreed_by_id")
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("closed_reason_text")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closure_proposed_at")
        batch_op.drop_column("officer_told_id")
        batch_op.drop_column("postal_address")
        batch_op.drop_column("resident_name")

    with op.batch_alter_table("witnesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_witnesses_case_id"))

    op.drop_table("witnesses")
    op.drop_table("surveys")
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interventions_case_id"))

    op.drop_table("interventions")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_phone"))
        batch_op.drop_index(batch_op.f("ix_incidents_case_id"))

    op.drop_table("incidents")
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_log_case")

    op.drop_table("contact_log")
    with op.batch_alter_table("case_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reviews_case_id"))

    op.drop_table("case_reviews")
    op.drop_table("action_plan_versions")
    with op.batch_alter_table("action_plan_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_plan_items_open_due")
        batch_op.drop_index(batch_op.f("ix_action_plan_items_case_id"))

    op.drop_table("action_plan_items")
