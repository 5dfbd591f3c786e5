"""The saved index: built once per state of the sources, reloaded without re-parsing.

It lives in a cache folder derived from the sources path (never inside `sources/`), records
what it was built from, and is written atomically: a build killed halfway leaves the previous
file in place, and a corrupt or stale file is rebuilt with a note saying why.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, ValidationError

from index.analyzer import Analyzer, analyzer_version
from index.ingest import Corpus, SourceSet, ingest, read_sources
from index.models import Document
from index.search import BM25Params, Retriever, build_analyzer

FORMAT_VERSION = 1
INDEX_FILE = "index.json"


class IndexFile(BaseModel):
    """Everything needed to serve queries without re-reading the sources' structure."""

    format_version: int
    analyzer: str
    params: BM25Params
    sources_fingerprint: str
    acronyms: dict[str, tuple[str, ...]]
    documents: list[Document]
    passage_terms: list[list[str]]


def cache_dir_for(sources_dir: Path) -> Path:
    """A folder of its own per sources folder, under $QUOTEBOT_CACHE or ~/.cache/quotebot."""
    root = Path(os.environ.get("QUOTEBOT_CACHE") or Path.home() / ".cache" / "quotebot")
    key = hashlib.sha256(str(sources_dir.resolve()).encode()).hexdigest()[:16]
    return root / f"{sources_dir.resolve().name}-{key}"


def load_index(
    sources_dir: Path,
    cache_dir: Path | None = None,
    params: BM25Params | None = None,
    progress: bool = False,
    force: bool = False,
) -> tuple[Retriever, list[str]]:
    """The retriever for `sources_dir`, from the cache when it is current; plus notes to show."""
    params = params or BM25Params()
    path = (cache_dir or cache_dir_for(sources_dir)) / INDEX_FILE
    sources = read_sources(sources_dir)
    notes = list(sources.warnings)
    saved, why = (None, None) if force else _read(path)
    if saved and _current(saved, sources, params):
        corpus = Corpus(
            documents=saved.documents,
            texts={d.meta.file: sources.texts[d.meta.file] for d in saved.documents},
        )
        analyzer = Analyzer(dict(saved.acronyms))
        return Retriever(corpus, saved.passage_terms, analyzer, params), notes
    if why:
        notes.append(f"{path}: {why}; rebuilt.")
    retriever = build_index(sources, params, progress)
    notes.extend(w for w in retriever.corpus.warnings if w not in notes)
    save_index(retriever, sources.fingerprint, path)
    return retriever, notes


def build_index(
    sources: SourceSet, params: BM25Params | None = None, progress: bool = False
) -> Retriever:
    corpus = ingest(sources, progress)
    return Retriever(corpus, analyzer=build_analyzer(corpus), params=params)


def save_index(retriever: Retriever, fingerprint: str, path: Path) -> None:
    """Write to a temporary file beside the target, then rename it over: all or nothing."""
    data = IndexFile(
        format_version=FORMAT_VERSION,
        analyzer=analyzer_version(),
        params=retriever.params,
        sources_fingerprint=fingerprint,
        acronyms=retriever.analyzer.acronyms,
        documents=retriever.corpus.documents,
        passage_terms=retriever.passage_terms,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".index-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data.model_dump_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path) -> tuple[IndexFile | None, str | None]:
    """The saved index, or why there is none usable."""
    if not path.exists():
        return None, None
    try:
        return IndexFile.model_validate_json(path.read_bytes()), None
    except (ValidationError, ValueError, OSError) as exc:
        return None, f"saved index unreadable ({type(exc).__name__})"


def _current(saved: IndexFile, sources: SourceSet, params: BM25Params) -> bool:
    return (
        saved.format_version == FORMAT_VERSION
        and saved.analyzer == analyzer_version()
        and saved.params == params
        and saved.sources_fingerprint == sources.fingerprint
    )
