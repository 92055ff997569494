"""SQLite never reuses a user's id: user_account gets AUTOINCREMENT (a table rebuild)

Revision ID: 0008_20b_user_autoincrement
Revises: 0007_20b_append_only
Create Date: 2026-12-01 23:20:00

Without it SQLite hands the highest erased id to the next pupil, and audit rows (target_id) about the
erased child then point at another. Users are the only rows that are deleted and that audit rows
point at: classes, schools, help services and requests are archived or kept, never deleted.
PostgreSQL's sequences never go back, so nothing changes there.
The sequence starts above every user id the audit log has named, so ids erased before this
migration are not handed out again either.
"""
from alembic import op


revision = '0008_20b_user_autoincrement'
down_revision = '0007_20b_append_only'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    # env.py turns foreign keys off for the rebuild, so no row of another table is touched.
    with op.batch_alter_table('user_account', recreate='always',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        pass
    highest = bind.exec_driver_sql(
        "SELECT max(coalesce((SELECT max(id) FROM user_account), 0), "
        "coalesce((SELECT max(target_id) FROM audit_event WHERE target_type = 'user'), 0))").scalar()
    bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'user_account'")
    bind.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('user_account', ?)", (highest,))


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    with op.batch_alter_table('user_account', recreate='always',
                              table_kwargs={'sqlite_autoincrement': False}) as batch_op:
        pass
