"""Sign-in with a school Google or Microsoft account, and QR login cards

Revision ID: 0007_17_sign_in
Revises: 0008_20b_user_autoincrement
Create Date: 2026-12-01 23:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0007_17_sign_in'
down_revision = '0008_20b_user_autoincrement'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'school_sign_in',
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=16), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('allowed', sa.Text(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('secret_saved_at', sa.DateTime(), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], name='fk_school_sign_in_school_id_school',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('school_id', 'provider', name='pk_school_sign_in'),
    )
    op.create_table(
        'used_nonce',
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('nonce_hash', name='pk_used_nonce'),
    )
    op.create_index('ix_used_nonce_used_at', 'used_nonce', ['used_at'])
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('sso_name', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('sso_subject', sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column('sso_linked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('card_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('card_issued_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint('uq_user_school_sso_name', ['school_id', 'sso_name'])
        batch_op.create_unique_constraint('uq_user_sso_subject', ['sso_subject'])
        batch_op.create_unique_constraint('uq_user_card_token_hash', ['card_token_hash'])


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_constraint('uq_user_card_token_hash', type_='unique')
        batch_op.drop_constraint('uq_user_sso_subject', type_='unique')
        batch_op.drop_constraint('uq_user_school_sso_name', type_='unique')
        batch_op.drop_column('card_issued_at')
        batch_op.drop_column('card_token_hash')
        batch_op.drop_column('sso_linked_at')
        batch_op.drop_column('sso_subject')
        batch_op.drop_column('sso_name')
    op.drop_index('ix_used_nonce_used_at', table_name='used_nonce')
    op.drop_table('used_nonce')
    op.drop_table('school_sign_in')
