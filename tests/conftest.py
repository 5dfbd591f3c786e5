"""Shared fixtures: a private index cache per test session, and corpora to answer from."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from bot.core.engine import Engine
from bot.loader import load_engine
from index.encoder import Encoder, load_encoder
from index.scorer import BM25Index, BM25Params, use_compiled_top
from tests.paths import SOURCES

# The throwaway PostgreSQL: `database` (once per backend), `pg_url`, one `pg_cluster` a session.
pytest_plugins = ["tests.discord.postgres"]

# Property tests draw the same examples on every run, so a commit's verdict does not depend on
# the run: random draws failed the suite twice in one stop, each on a fault older than the
# change under test. `HYPOTHESIS_PROFILE=explore` draws new examples (how those faults, and the
# Discord mention escape, were found); pin what it finds with `@example`.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session", autouse=True)
def compiled_top_k() -> None:
    """Compile (or load from numba's cache) the top-k kernel before any test runs, as a
    long-running process does: on a fresh clone compiling takes seconds, which must not count
    against a test that times its answer (the Discord end-to-end tests wait 10 s for a reply).
    Subprocesses (the CLI tests) start on the NumPy path, as `python -m bot ask` does."""
    use_compiled_top()
    BM25Index.build([["warm"]], BM25Params()).top(["warm"], 1)


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """No test writes to the user's ~/.cache."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("QUOTEBOT_CACHE", str(cache))
    return cache


@pytest.fixture(autouse=True)
def lexical_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run lexical unless they ask for semantic (`semantic_engine`, semantic=True, or
    QUOTEBOT_SEMANTIC=on): most need no vectors, and encoding costs a second per index."""
    monkeypatch.setenv("QUOTEBOT_SEMANTIC", "off")


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The lexical engine over the project's own sources (read-only, shared by the session)."""
    built, notes = load_engine(SOURCES, tmp_path_factory.mktemp("engine-cache"), semantic=False)
    assert notes == []
    return built


@pytest.fixture(scope="session")
def semantic_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The semantic engine over the project's own sources: BM25 plus sentence vectors."""
    built, notes = load_engine(SOURCES, tmp_path_factory.mktemp("semantic-cache"), semantic=True)
    assert notes == []
    assert built.retriever.vectors is not None
    return built


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The shipped sentence encoder, loaded once."""
    return load_encoder()


@pytest.fixture
def sources_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's sources."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES, target)
    return target


@pytest.fixture
def make_sources(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write a sources folder from {file name: text or bytes}."""

    def make(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "src"
        folder.mkdir(exist_ok=True)
        for name, body in files.items():
            path = folder / name
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(body, encoding="utf-8")
        return folder

    return make


@pytest.fixture
def line_break_counts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every stretch of text whose line breaks are counted from then on (by
    `index.layout.line_breaks`, wherever it was imported): what finding lines costs."""
    import index.errors
    import index.layout

    counted: list[int] = []
    real = index.layout.line_breaks

    def counting(text: str, start: int = 0, end: int | None = None) -> int:
        counted.append((len(text) if end is None else end) - start)
        return real(text, start, end)

    monkeypatch.setattr(index.layout, "line_breaks", counting)
    monkeypatch.setattr(index.errors, "line_breaks", counting, raising=False)
    return counted
