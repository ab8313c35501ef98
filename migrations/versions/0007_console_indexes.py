"""console indexes: a case page's calls, postcode and district searches, open high-risk cases, the audit log

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_phone_calls_case", "phone_calls", ["case_id"])
    op.create_index("ix_cases_postcode_district", "cases", ["postcode_district", "created_at", "id"])
    op.create_index("ix_cases_status_risk", "cases", ["status", "risk_level"])
    op.create_index("ix_audit_events_at", "audit_events", ["at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_index("ix_cases_status_risk", table_name="cases")
    op.drop_index("ix_cases_postcode_district", table_name="cases")
    op.drop_index("ix_phone_calls_case", table_name="phone_calls")
