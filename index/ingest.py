"""Read a sources directory into `Document`s: decode, find chrome, cut passages, attach metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tqdm import tqdm

from index.errors import DataFileError, read_utf8
from index.faq import extract_faqs
from index.layout import DATELINE, Line, classify, split_lines
from index.manifest import MANIFEST_NAME, load_manifest
from index.models import NOT_STATED, Document, SourceMeta
from index.passages import build_passages, find_chrome
from index.tables import extract_tables

SOURCE_SUFFIXES = (".txt", ".md")


@dataclass
class SourceSet:
    """The source files as they are on disk now, before any parsing."""

    texts: dict[str, str]
    metas: dict[str, SourceMeta]
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def checksums(self) -> dict[str, str]:
        """sha256 of each text, computed once: staleness checks and documents both use it."""
        return {name: _sha256(text) for name, text in self.texts.items()}

    @cached_property
    def fingerprint(self) -> str:
        """Changes when any file's bytes, the set of files, or their metadata change."""
        h = hashlib.sha256()
        for name in sorted(self.texts):
            h.update(f"{name}\0{self.checksums[name]}\0".encode())
        for name in sorted(self.metas):
            h.update(self.metas[name].model_dump_json().encode())
        return h.hexdigest()


@dataclass
class Corpus:
    """The ingested sources: their documents, their texts, and what was skipped and why."""

    documents: list[Document]
    texts: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_files(sources_dir: Path) -> list[Path]:
    """Source files in a stable order; other files there (the manifest, facts) are not sources."""
    if not sources_dir.is_dir():
        raise DataFileError(sources_dir, None, "sources directory not found")
    return sorted(
        p
        for p in sources_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SOURCE_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(sources_dir).parts)
    )


def read_source(path: Path) -> str:
    """UTF-8 text exactly as stored; a bad byte names its line, and an empty file is refused."""
    text = read_utf8(path)
    if not text.strip():
        raise DataFileError(path, None, "empty file")
    return text


def ingest_text(
    name: str, text: str, meta: SourceMeta | None, sha256: str | None = None
) -> Document:
    """One source's passages, chrome, tables and FAQs, with metadata from the manifest or the
    text itself; `sha256` is the text's checksum when the caller already has it."""
    lines = classify(split_lines(text))
    chrome = find_chrome(lines)
    return Document(
        meta=meta or infer_meta(name, lines),
        sha256=sha256 or _sha256(text),
        chrome=chrome,
        passages=build_passages(name, text, lines, chrome),
        tables=extract_tables(name, text, lines),
        faqs=extract_faqs(name, text, lines),
    )


def infer_meta(name: str, lines: list[Line]) -> SourceMeta:
    """Title from the first heading line, date from a dateline; otherwise the file name."""
    title = next((ln.stripped.lstrip("#").strip() for ln in lines if ln.kind == "heading"), None)
    dateline = next((ln.stripped for ln in lines if ln.kind == "dateline"), None)
    date = dateline.split(",", 1)[1].strip() if dateline and DATELINE.match(dateline) else None
    return SourceMeta(
        file=name,
        title=title or Path(name).stem.replace("-", " ").replace("_", " "),
        date=date or NOT_STATED,
    )


def read_sources(sources_dir: Path) -> SourceSet:
    """Every readable source; unreadable ones become warnings so the rest are still served."""
    metas = load_manifest(sources_dir)
    sources = SourceSet(texts={}, metas=metas)
    for path in source_files(sources_dir):
        name = path.relative_to(sources_dir).as_posix()
        try:
            sources.texts[name] = read_source(path)
        except DataFileError as exc:
            sources.warnings.append(f"{exc}; skipped")
        except OSError as exc:
            sources.warnings.append(f"{path}: cannot be read ({exc.strerror or exc}); skipped")
    for name in sorted(set(metas) - set(sources.texts)):
        sources.warnings.append(f"{sources_dir / MANIFEST_NAME}: no source file named {name!r}")
    return sources


def ingest(sources: SourceSet, progress: bool = False) -> Corpus:
    """Parse every source into passages; one with nothing quotable left is skipped, with a note.

    With `progress`, a bar appears on stderr once parsing has taken more than a second.
    """
    corpus = Corpus(documents=[], texts={}, warnings=list(sources.warnings))
    items = tqdm(
        sources.texts.items(), desc="indexing", unit="file", delay=1.0, disable=not progress
    )
    for name, text in items:
        document = ingest_text(name, text, sources.metas.get(name), sources.checksums[name])
        if not document.passages:
            corpus.warnings.append(f"{name}: no quotable text after cleaning; skipped")
            continue
        corpus.documents.append(document)
        corpus.texts[name] = text
    return corpus
