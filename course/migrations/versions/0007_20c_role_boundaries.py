"""Role boundaries inside a school: admins' pupil password resets (off), safeguarding leads' two-factor
authentication (off for schools that already exist), pending erasures, notices to safeguarding leads

Revision ID: 0007_20c_role_boundaries
Revises: 0007_17_sign_in
Create Date: 2026-12-01 23:50:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0007_20c_role_boundaries'
down_revision = '0007_17_sign_in'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('school') as batch_op:
        batch_op.add_column(sa.Column('admins_reset_pupil_passwords', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('dsl_two_factor_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # table_kwargs keeps the table AUTOINCREMENT on SQLite if batch mode rebuilds it (0008_20b made it so).
    with op.batch_alter_table('user_account', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('erasure_requested_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('erasure_requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_recovery_hashes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.create_table(
        'staff_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('dismissed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name='fk_staff_notice_school'),
        sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], name='fk_staff_notice_recipient',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_staff_notice'),
    )
    op.create_index('ix_staff_notice_school_id', 'staff_notice', ['school_id'])
    op.create_index('ix_staff_notice_recipient_id', 'staff_notice', ['recipient_id'])


def downgrade():
    op.drop_index('ix_staff_notice_recipient_id', table_name='staff_notice')
    op.drop_index('ix_staff_notice_school_id', table_name='staff_notice')
    op.drop_table('staff_notice')
    # table_kwargs keeps the table AUTOINCREMENT on SQLite if batch mode rebuilds it (0008_20b made it so).
    with op.batch_alter_table('user_account', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_recovery_hashes')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('erasure_requested_by_id')
        batch_op.drop_column('erasure_requested_at')
    with op.batch_alter_table('school') as batch_op:
        batch_op.drop_column('dsl_two_factor_required')
        batch_op.drop_column('admins_reset_pupil_passwords')
