"""Shared column helpers for the models."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL, compared without surprises."""
    return datetime.now(UTC).replace(tzinfo=None)
