"""outbox rows record the encoding; segments recounted as Twilio counts them

Revision ID: 0002
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.messaging.segments import count_segments, encoding

revision = "0002"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

outbound_messages = sa.table(
    "outbound_messages",
    sa.column("id", sa.Integer()),
    sa.column("body", sa.Text()),
    sa.column("segments", sa.Integer()),
    sa.column("encoding", sa.String(5)),
)


def upgrade() -> None:
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("encoding", sa.String(length=5), nullable=True))
    connection = op.get_bind()
    for row_id, body in connection.execute(sa.select(outbound_messages.c.id, outbound_messages.c.body)).all():
        connection.execute(
            outbound_messages.update()
            .where(outbound_messages.c.id == row_id)
            .values(segments=count_segments(body), encoding=encoding(body))
        )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.alter_column("encoding", existing_type=sa.String(length=5), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_column("encoding")
