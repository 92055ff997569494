"""Database engine settings: SQLite pragmas and write transactions that never deadlock."""

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from ..extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000


def engine_options(database_uri: str) -> dict:
    if database_uri.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}


def writes(view):
    """Marks a GET view that writes (an audit row for opening a request or an export): its requests
    take the write lock when their transaction begins, like a form's."""
    view.harbour_writes = True
    return view


def _wants_write_lock() -> bool:
    # A deferred SQLite transaction that reads and then writes cannot wait for a lock held by another
    # writer: it fails at once with "database is locked". So every request that may write (any method
    # but GET/HEAD, and the GET views marked @writes) and every command takes the write lock when it
    # begins (BEGIN IMMEDIATE), where busy_timeout makes it wait its turn. Reading pages stay
    # concurrent under WAL.
    if has_request_context():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return True
        view = current_app.view_functions.get(request.endpoint or "")
        return getattr(view, "harbour_writes", False)
    return True


def configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows (an erased pupil, a leaver) are overwritten with zeros, not left readable in
        # free pages of the file until reused.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def init_app(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(uri))
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine)
