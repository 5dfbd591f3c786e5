"""Build or load the engine for a sources folder: the one entry point every face uses."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine, EngineConfig
from bot.facts.book import build_factbook
from index.readers import SOURCE_SUFFIXES
from index.semantic import choose_mode
from index.store import load_index

NO_SOURCES = (
    "{folder}: no source to answer from: every question will be declined (put "
    + ", ".join(SOURCE_SUFFIXES)
    + " files there)"
)


def load_engine(
    sources_dir: Path,
    cache_dir: Path | None = None,
    config: EngineConfig | None = None,
    progress: bool = False,
    semantic: bool | None = None,
) -> tuple[Engine, list[str]]:
    """The engine over `sources_dir` (index from cache when current) and notes for the user.

    `semantic`: True or False from the command line (`--semantic on|off`); None follows
    QUOTEBOT_SEMANTIC, else on (index/semantic.py). In semantic mode the retriever carries
    sentence vectors and their encoder (`engine.retriever.encoder`); when the model cannot
    load, the notes say so in one line and the engine is lexical.

    Its facts come from the sources and `facts.toml`; a wrong curated fact raises DataFileError.
    """
    mode = choose_mode(semantic)
    retriever, notes = load_index(sources_dir, cache_dir, progress=progress, encoder=mode.encoder)
    if mode.warning:
        notes.insert(0, mode.warning)
    if not retriever.documents:
        notes.append(NO_SOURCES.format(folder=sources_dir))
    facts, fact_notes = build_factbook(sources_dir, retriever)
    # The build and the fact book both use the vector cache: a full disk is said once.
    return Engine(retriever, config, facts), notes + [n for n in fact_notes if n not in notes]
