"""Fixtures of the Discord tests: stores over the test's database, on each backend."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot.discord.store import Store


@pytest.fixture
def stores(database: str) -> Iterator[Callable[..., Store]]:
    """Open stores over the test's database (`database`: once per backend), as several
    processes would; every one is closed after the test, passed or failed, since a
    PostgreSQL store's listening thread would otherwise outlive the throwaway cluster."""
    opened: list[Store] = []

    def open_store(**kwargs: object) -> Store:
        opened.append(Store(database, **kwargs))  # type: ignore[arg-type]
        return opened[-1]

    yield open_store
    for store in opened:
        store.close()
