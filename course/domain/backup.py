"""Backing up and restoring a SQLite database while Harbour is in use, with SQLite's online backup API.

A backup is one consistent snapshot: the copy runs in a single step inside one read transaction, so
writes that other processes make meanwhile (WAL mode lets them go on) are either wholly in the copy
or wholly not. PostgreSQL is backed up with pg_dump / pg_restore instead (see the README).
"""

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory

# Tables whose row counts are reported, so a person can see at a glance what a file holds.
COUNT_QUERIES = {
    "school": "SELECT count(*) FROM school",
    "user_account": "SELECT count(*) FROM user_account",
    "progress": "SELECT count(*) FROM progress",
    "quiz_attempt": "SELECT count(*) FROM quiz_attempt",
    "help_request": "SELECT count(*) FROM help_request",
    "audit_event": "SELECT count(*) FROM audit_event",
}
COUNTED_TABLES = tuple(COUNT_QUERIES)


class BackupError(Exception):
    """The backup or restore was refused or failed; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class DatabaseSummary:
    path: Path
    revision: str | None
    counts: dict[str, int]

    def describe(self) -> str:
        counts = ", ".join(f"{n} {table}" for table, n in self.counts.items())
        return f"{self.path} (schema {self.revision or 'unknown'}; {counts})"


def sqlite_path(database_uri: str) -> Path:
    """The file behind a sqlite:/// URI; refuses anything else (PostgreSQL: use pg_dump)."""
    if not database_uri.startswith("sqlite:///") or database_uri in ("sqlite:///", "sqlite:///:memory:"):
        raise BackupError("flask backup and flask restore work on a SQLite database file only. "
                          "For PostgreSQL use pg_dump and pg_restore (see the README, 'Data protection and backups').")
    return Path(database_uri.removeprefix("sqlite:///"))


def _readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)


def summarise(path: Path) -> DatabaseSummary:
    """Checks the file is a whole, sound Harbour database and says what it holds; BackupError if not."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    try:
        connection = _readonly(path)
        try:
            check = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path} is damaged (SQLite integrity check: {check}).")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = [t for t in ("alembic_version", *COUNTED_TABLES) if t not in tables]
            if missing:
                raise BackupError(f"{path} is not a Harbour database (no {', '.join(missing)} table).")
            revision = (connection.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
            counts = {t: connection.execute(query).fetchone()[0] for t, query in COUNT_QUERIES.items()}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database Harbour can read ({error}).") from None
    return DatabaseSummary(path=path, revision=revision, counts=counts)


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)  # all pages in one step: one consistent snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        target.close()


def backup(database: Path, target: Path) -> DatabaseSummary:
    """Copies the live database to a new file `target` and checks the copy."""
    if target.exists():
        raise BackupError(f"{target} already exists. Choose a new file name; nothing was overwritten.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    summarise(database)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Readable by the owner only, from the first byte: a backup holds every child's records.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = sqlite3.connect(database, timeout=10)
    try:
        _copy(source, partial)
    finally:
        source.close()
    try:
        summary = summarise(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(target)
    return DatabaseSummary(path=target, revision=summary.revision, counts=summary.counts)


def known_revisions(migrations_dir: Path) -> set[str]:
    return {script.revision for script in ScriptDirectory(str(migrations_dir)).walk_revisions()}


@dataclass(frozen=True)
class RestoreResult:
    restored: DatabaseSummary
    saved_previous: Path | None
    # Pupils erased (by an admin, on request) after the backup was taken, whom it brings back.
    erased_back: tuple[int, ...] = ()


def _erased_pupil_ids(database: Path) -> set[int]:
    if not database.exists():
        return set()
    connection = _readonly(database)
    try:
        return {row[0] for row in connection.execute(
            "SELECT target_id FROM audit_event WHERE action = 'pupil_erased' AND target_type = 'user'")}
    finally:
        connection.close()


def _existing_users(database: Path, ids: set[int]) -> tuple[int, ...]:
    connection = _readonly(database)
    try:
        return tuple(sorted(i for i in ids if connection.execute(
            "SELECT 1 FROM user_account WHERE id = ?", (i,)).fetchone()))
    finally:
        connection.close()


def restore(backup_file: Path, database: Path, migrations_dir: Path, now: datetime) -> RestoreResult:
    """Replaces the live database's contents with the backup's, after saving the live one beside it.

    Refuses (changing nothing) unless the backup is a sound Harbour database at a schema revision
    this version of Harbour knows.
    """
    restored = summarise(backup_file)
    if restored.revision not in known_revisions(migrations_dir):
        raise BackupError(f"{backup_file} is at schema revision {restored.revision!r}, which this version of Harbour "
                          "does not know. Nothing was restored.")
    if database.resolve() == backup_file.resolve():
        raise BackupError("That is the live database itself. Nothing was restored.")
    erased = _erased_pupil_ids(database)
    saved = None
    if database.exists():
        saved = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        backup(database, saved)
    database.parent.mkdir(parents=True, exist_ok=True)
    source = _readonly(backup_file)
    try:
        live = sqlite3.connect(database, timeout=10)
        try:
            source.backup(live)  # writes the pages under SQLite's own locks; open connections see the new data
        finally:
            live.close()
    finally:
        source.close()
    return RestoreResult(restored=summarise(database), saved_previous=saved,
                         erased_back=_existing_users(database, erased))
