"""A school's help directory carries a version, bumped on every change, so every worker's cached copy knows when it is stale

Revision ID: 0007_19_directory_version
Revises: 0006_erasure_counts
Create Date: 2026-12-01 23:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0007_19_directory_version'
down_revision = '0006_erasure_counts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school') as batch_op:
        batch_op.add_column(sa.Column('directory_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('school') as batch_op:
        batch_op.drop_column('directory_version')
