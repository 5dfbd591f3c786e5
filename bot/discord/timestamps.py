"""The store's timestamps: ISO 8601 text in UTC to the second, which sorts as it reads on
both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ago(days: float) -> str:
    """The moment `days` ago (bounded by the settings: a server keeps at most ten years)."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
