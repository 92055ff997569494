"""The staff track's completions, the school's refresher period, letter home and parents' page id

Revision ID: 0010_16_staff_track
Revises: 0009_14_knowledge_checks
Create Date: 2026-12-02 03:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = '0010_16_staff_track'
down_revision = '0009_14_knowledge_checks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_training_completion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_slug', sa.String(length=80), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('completed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name='fk_staff_training_school'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name='fk_staff_training_user', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_staff_training_completion'),
    )
    op.create_index('ix_staff_training_school_module', 'staff_training_completion', ['school_id', 'module_slug'])
    op.create_index('ix_staff_training_user_module', 'staff_training_completion', ['user_id', 'module_slug'])
    # Plain added columns (no table rebuild): SQLite adds them in place, and every existing row gets the default.
    op.add_column('school', sa.Column('staff_refresher_months', sa.Integer(), nullable=False, server_default='12'))
    op.add_column('school', sa.Column('parents_letter', sa.Text(), nullable=True))
    op.add_column('school', sa.Column('parents_page_id', sa.String(length=32), nullable=True))
    school = sa.table('school', sa.column('id', sa.Integer()), sa.column('parents_page_id', sa.String()))
    connection = op.get_bind()
    for (school_id,) in connection.execute(sa.select(school.c.id)).all():
        connection.execute(school.update().where(school.c.id == school_id)
                           .values(parents_page_id=secrets.token_urlsafe(12)))
    op.create_index('ix_school_parents_page_id', 'school', ['parents_page_id'], unique=True)


def downgrade():
    op.drop_index('ix_school_parents_page_id', table_name='school')
    with op.batch_alter_table('school') as batch:
        batch.drop_column('parents_page_id')
        batch.drop_column('parents_letter')
        batch.drop_column('staff_refresher_months')
    op.drop_index('ix_staff_training_user_module', table_name='staff_training_completion')
    op.drop_index('ix_staff_training_school_module', table_name='staff_training_completion')
    op.drop_table('staff_training_completion')
