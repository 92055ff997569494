"""Anonymous counts say why a pupil's data went: "left" (retention) or "erased" (by an admin on request)

Revision ID: 0006_erasure_counts
Revises: 0005_bench_indexes
Create Date: 2026-11-29 03:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0006_erasure_counts'
down_revision = '0005_bench_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('leaver_summary') as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=16), nullable=False, server_default='left'))


def downgrade():
    with op.batch_alter_table('leaver_summary') as batch_op:
        batch_op.drop_column('reason')
