"""The migrations build exactly the tables the models describe, on the engine under test (SQLite or
PostgreSQL): a model changed without a migration, or a migration that drifts from its model, fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from course.extensions import db


def test_the_migrated_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"
