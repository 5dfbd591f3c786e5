"""Fixtures for the fact tests: small sources folders with a manifest and a facts file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.loader import load_engine

from .corpus import FACTS, MANIFEST, REPORT


@pytest.fixture
def make_corpus(tmp_path: Path) -> Callable[..., Path]:
    """A sources folder holding the report (or `files`), its manifest and `facts`."""

    def make(facts: str | None = FACTS, files: dict[str, str] | None = None) -> Path:
        folder = tmp_path / "sources"
        folder.mkdir(exist_ok=True)
        for name, body in (files or {"report.txt": REPORT, "sources.toml": MANIFEST}).items():
            (folder / name).write_text(body, encoding="utf-8")
        if facts is not None:
            (folder / "facts.toml").write_text(facts, encoding="utf-8")
        return folder

    return make


@pytest.fixture
def report_engine(make_corpus: Callable[..., Path]) -> Engine:
    """The engine over the report and its curated facts."""
    built, _ = load_engine(make_corpus())
    return built
