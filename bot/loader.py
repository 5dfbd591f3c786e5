"""Build or load the engine for a sources folder: the one entry point every face uses."""

from __future__ import annotations

from pathlib import Path

from bot.engine import Engine, EngineConfig
from bot.facts.book import build_factbook
from index.store import load_index


def load_engine(
    sources_dir: Path,
    cache_dir: Path | None = None,
    config: EngineConfig | None = None,
    progress: bool = False,
) -> tuple[Engine, list[str]]:
    """The engine over `sources_dir` (index from cache when current) and notes for the user.

    Its facts come from the sources and `facts.toml`; a wrong curated fact raises DataFileError.
    """
    retriever, notes = load_index(sources_dir, cache_dir, progress=progress)
    facts, fact_notes = build_factbook(sources_dir, retriever)
    return Engine(retriever, config, facts), notes + fact_notes
