"""Safeguarding: staff email addresses (for notices of new requests to talk) and audit search.

Revision ID: 0002_safeguarding
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_safeguarding"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_school_action", ["school_id", "action"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_school_action")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email")
