"""Append-only in the database: the audit log, a request's chronology and the pupil's own request refuse change

Revision ID: 0007_20b_append_only
Revises: 0007_19_directory_version
Create Date: 2026-12-01 23:10:00

Triggers, so raw SQL and bulk UPDATE/DELETE are refused as well as the ORM (course/models/append_only.py).
What may still change:
- audit_event: nothing, except actor_id becoming NULL (ON DELETE SET NULL when a staff account or an
  erased pupil goes: the actor's label stays). No row is ever deleted.
- help_request_event (the chronology): nothing, except author_id becoming NULL, the same way.
- help_request (the pupil's own request): what the pupil said and when (school, message, urgency,
  where they asked from, created_at) never changes; pupil_id may only become NULL; status and
  first_read_at are the safeguarding lead's working state and do change. No row is ever deleted
  (erasure and leavers' retention already keep a pupil who asked to talk).
PostgreSQL compares whole rows (to_jsonb), so a column added later is covered; SQLite names the
columns, so a migration that adds one to these tables must re-create its trigger here too.
"""
from alembic import op


revision = '0007_20b_append_only'
down_revision = '0007_19_directory_version'
branch_labels = None
depends_on = None

# table -> (columns that never change, columns that may only become NULL)
FROZEN = {
    'audit_event': (('id', 'school_id', 'actor_label', 'action', 'target_type', 'target_id', 'detail',
                     'created_at'), ('actor_id',)),
    'help_request_event': (('id', 'request_id', 'author_name', 'kind', 'body', 'from_status', 'to_status',
                            'created_at'), ('author_id',)),
    'help_request': (('id', 'school_id', 'message', 'urgency', 'urgency_rank', 'asked_from', 'created_at'),
                     ('pupil_id',)),
}
# Columns PostgreSQL leaves out of the comparison: the ones that may change freely.
WORKING_STATE = {'help_request': ('status', 'first_read_at')}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION harbour_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_row jsonb := to_jsonb(NEW);
    old_row jsonb := to_jsonb(OLD);
    column_name text;
    i integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are append-only: they cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- Arguments: "null:<column>" may only become NULL; "free:<column>" may change.
    FOR i IN 0 .. TG_NARGS - 1 LOOP
        column_name := substr(TG_ARGV[i], 6);
        IF left(TG_ARGV[i], 5) = 'null:' AND new_row -> column_name <> 'null'::jsonb
                AND new_row -> column_name IS DISTINCT FROM old_row -> column_name THEN
            RAISE EXCEPTION '% rows are append-only: % may only be cleared', TG_TABLE_NAME, column_name
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        new_row := new_row - column_name;
        old_row := old_row - column_name;
    END LOOP;
    IF new_row IS DISTINCT FROM old_row THEN
        RAISE EXCEPTION '% rows are append-only: they cannot be changed', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def _sqlite_triggers(table, frozen, clearable):
    changed = [f'NEW.{c} IS NOT OLD.{c}' for c in frozen]
    changed += [f'(NEW.{c} IS NOT OLD.{c} AND NEW.{c} IS NOT NULL)' for c in clearable]
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            WHEN {' OR '.join(changed)}
            BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: they cannot be changed'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: they cannot be deleted'); END""",
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(PG_FUNCTION)
    for table, (frozen, clearable) in FROZEN.items():
        if dialect == 'postgresql':
            arguments = ', '.join([f"'null:{c}'" for c in clearable] +
                                  [f"'free:{c}'" for c in WORKING_STATE.get(table, ())])
            op.execute(f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
                       f'FOR EACH ROW EXECUTE FUNCTION harbour_append_only({arguments})')
        elif dialect == 'sqlite':
            for statement in _sqlite_triggers(table, frozen, clearable):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in FROZEN:
        if dialect == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
        elif dialect == 'sqlite':
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_update')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_delete')
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS harbour_append_only()')
