"""Indexes the benchmark asked for: a pupil's own requests to talk, a teacher's classes, completed progress per school

Revision ID: 0005_bench_indexes
Revises: 0003_school_year
Create Date: 2026-11-29 03:20:00

"""
from alembic import op


revision = '0005_bench_indexes'
down_revision = '0003_school_year'
branch_labels = None
depends_on = None


def upgrade():
    # My lessons lists the pupil's latest requests to talk on every visit.
    op.create_index('ix_help_request_pupil_time', 'help_request', ['pupil_id', 'created_at'])
    # A teacher's classes (every teacher page checks which classes are theirs).
    op.create_index('ix_class_teacher_teacher_id', 'class_teacher', ['teacher_id'])
    # The overview's "completed nothing" reads each school's completed progress.
    op.create_index('ix_progress_school_status', 'progress', ['school_id', 'status', 'pupil_id'])


def downgrade():
    op.drop_index('ix_progress_school_status', table_name='progress')
    op.drop_index('ix_class_teacher_teacher_id', table_name='class_teacher')
    op.drop_index('ix_help_request_pupil_time', table_name='help_request')
