"""school year: rollover settings on the school, and anonymous counts kept for deleted leavers

Revision ID: 0003_school_year
Revises: 0001
Create Date: 2026-11-28 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_school_year'
down_revision = '0002_safeguarding'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('final_year_group', sa.Integer(), server_default='13', nullable=False))
        batch_op.add_column(sa.Column('leaver_retention_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('year_rolled_over_at', sa.DateTime(), nullable=True))

    op.create_table('leaver_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('year_group', sa.Integer(), nullable=True),
    sa.Column('pupil_count', sa.Integer(), nullable=False),
    sa.Column('modules_completed', sa.Integer(), nullable=False),
    sa.Column('quizzes_passed', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('leaver_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leaver_summary_school_id'), ['school_id'], unique=False)


def downgrade():
    with op.batch_alter_table('leaver_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leaver_summary_school_id'))
    op.drop_table('leaver_summary')

    with op.batch_alter_table('school', schema=None) as batch_op:
        batch_op.drop_column('year_rolled_over_at')
        batch_op.drop_column('leaver_retention_days')
        batch_op.drop_column('final_year_group')
