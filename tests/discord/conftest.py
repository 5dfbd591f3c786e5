"""Shared fixtures for the Discord face: one engine over the repository's sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.loader import load_engine

SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Engines are stateless and thread-safe, so one serves every test."""
    loaded, _ = load_engine(SOURCES, tmp_path_factory.mktemp("index-cache"))
    return loaded
