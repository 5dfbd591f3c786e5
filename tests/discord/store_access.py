"""Reaching a store's database from a test as another process would, on either backend:
statements on a connection of their own, and waiting for a change to reach a store (on
PostgreSQL it arrives by notification, on the listening thread)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.discord.database import open_database


def execute(database: Path | str, sql: str, params: Sequence[object] = ()) -> list[Any]:
    """Run one statement (`?` placeholders) in a transaction of its own, committed; its rows
    (none for a statement that returns none)."""
    db = open_database(database)
    try:
        with db.write() as tx:
            cursor = tx.execute(sql, params)
            return cursor.fetchall() if sql.lstrip().upper().startswith("SELECT") else []
    finally:
        db.close()


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    """Until `check()` holds (bounded: a change that never arrives fails the test)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the change never arrived"
        time.sleep(0.02)
