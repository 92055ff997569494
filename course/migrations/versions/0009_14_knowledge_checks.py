"""The knowledge check's answers: what each pupil thought before a module and after its quiz

Revision ID: 0009_14_knowledge_checks
Revises: 0007_20c_role_boundaries
Create Date: 2026-12-02 02:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009_14_knowledge_checks'
down_revision = '0007_20c_role_boundaries'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'knowledge_check_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('pupil_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=8), nullable=False),
        sa.Column('skipped', sa.Boolean(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'], name='fk_knowledge_check_attempt_module'),
        sa.ForeignKeyConstraint(['pupil_id'], ['user_account.id'], name='fk_knowledge_check_attempt_pupil',
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name='fk_knowledge_check_attempt_school'),
        sa.PrimaryKeyConstraint('id', name='pk_knowledge_check_attempt'),
        sa.UniqueConstraint('pupil_id', 'module_id', 'phase', name='uq_knowledge_check_pupil_module_phase'),
    )
    op.create_index('ix_knowledge_check_school_module', 'knowledge_check_attempt',
                    ['school_id', 'module_id', 'phase'])
    op.create_table(
        'knowledge_check_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.String(length=80), nullable=False),
        sa.Column('option_id', sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['knowledge_check_attempt.id'],
                                name='fk_knowledge_check_answer_attempt', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_knowledge_check_answer'),
    )
    op.create_index('ix_knowledge_check_answer_attempt_id', 'knowledge_check_answer', ['attempt_id'])


def downgrade():
    op.drop_index('ix_knowledge_check_answer_attempt_id', table_name='knowledge_check_answer')
    op.drop_table('knowledge_check_answer')
    op.drop_index('ix_knowledge_check_school_module', table_name='knowledge_check_attempt')
    op.drop_table('knowledge_check_attempt')
