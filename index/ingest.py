"""Read a sources directory into `Document`s: decode, find chrome, cut passages, attach metadata."""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from tqdm import tqdm

from index.errors import DataFileError, read_utf8, shown_path
from index.faq import extract_faqs
from index.file_states import FileState, stat_state
from index.layout import line_of_offset
from index.manifest import FACTS_NAME, MANIFEST_NAME, load_manifest
from index.models import NOT_STATED, Chrome, Document, FaqEntry, ManifestEntry, SourceMeta, Table
from index.passages import PassageRow, passage_rows
from index.readers import SOURCE_SUFFIXES, format_of, read_document
from index.readers.document import DocumentInfo, ReadDocument, ReadingText
from index.source_text import SourceChanged
from index.sources_folder import not_followed, special
from index.tables import extract_tables

# Files of the folder that are the bot's own data, not sources.
_DATA_FILES = frozenset({MANIFEST_NAME, FACTS_NAME})
# Control characters but white space: text that is a quarter these is not prose but binary (a
# page with a few terminal colour codes is still text, and is served with them made inert).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
BINARY_CONTROL_SHARE = 0.25


class SourceFiles(Mapping[str, str]):
    """Source texts by name, each read from its file when asked for and not kept: a saved
    index that is current never reads them whole (quotes come from index/source_text.py)."""

    def __init__(self, paths: dict[str, Path]) -> None:
        self.paths = paths

    def __getitem__(self, name: str) -> str:
        return read_source(self.paths[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def quotable_text(name: str, text: str) -> str | ReadingText:
    """What quotes of the source `name` are sliced from: its text, or for a format read as
    something else (an HTML page's visible text) that reading, with its map to the file."""
    fmt = format_of(name)
    return text if fmt is None or fmt.own_text else read_document(name, text).quotable


class IndexedTexts(Mapping[str, str | ReadingText]):
    """The texts of the sources a build indexed, each read from its file the first time it is
    asked for (to quote from) and kept: the build itself holds none of them, and `python -m
    bot index` never reads them again. A file changed, removed or emptied since it was indexed
    is refused (`SourceChanged`)."""

    def __init__(self, paths: dict[str, Path], checksums: dict[str, str]) -> None:
        self.paths = paths
        self.checksums = checksums
        self._kept: dict[str, str | ReadingText] = {}

    def __getitem__(self, name: str) -> str | ReadingText:
        if name not in self._kept:
            path = self.paths[name]
            changed = "changed since it was indexed; restart to index it"
            try:
                text = read_source(path)
            except DataFileError as exc:
                raise SourceChanged(path, exc.line, f"{exc.problem}: {changed}") from exc
            if _sha256(text) != self.checksums[name]:
                raise SourceChanged(path, None, changed)
            self._kept[name] = quotable_text(name, text)
        return self._kept[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


@dataclass
class SourceSet:
    """The source files as they are on disk now, before any parsing. From `read_sources`,
    `texts` is a `SourceFiles` and `states` holds each file's size, mtime and checksum."""

    texts: Mapping[str, str]
    metas: dict[str, ManifestEntry]
    warnings: list[str] = field(default_factory=list)
    states: dict[str, FileState] = field(default_factory=dict)

    @cached_property
    def checksums(self) -> dict[str, str]:
        """sha256 of each text, computed once: staleness checks and documents both use it."""
        return {
            name: self.states[name].sha256 if name in self.states else _sha256(self.texts[name])
            for name in self.texts
        }

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
    texts: dict[str, str | ReadingText]
    warnings: list[str] = field(default_factory=list)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_files(sources_dir: Path) -> tuple[list[Path], list[str]]:
    """Source files in a stable order, and warnings for what was not followed or not readable.

    The manifest and the facts are not sources, nor are hidden files; any other file no reader
    knows is named in one warning. What is read follows index/sources_folder.py's rule: no
    link out of the folder, no name that is not UTF-8. A sources folder that is missing, not a
    folder or unreadable raises DataFileError; an unreadable subfolder, or a path past the
    OS's limit, costs only its own files."""
    if not sources_dir.exists():
        raise DataFileError(sources_dir, None, "sources directory not found")
    if not sources_dir.is_dir():
        raise DataFileError(sources_dir, None, "not a folder; --sources must name a folder")
    root = sources_dir.resolve()
    found: list[Path] = []
    unread: list[str] = []
    warnings: list[str] = []
    pending, seen = [sources_dir], {root}
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(entry.name for entry in os.scandir(folder))
        except OSError as exc:
            if folder == sources_dir:
                raise DataFileError(folder, None, f"cannot be read ({exc.strerror})") from exc
            warnings.append(
                f"{shown_path(folder)}: cannot be read ({exc.strerror}); its files are skipped"
            )
            continue
        for name in entries:
            path = folder / name
            if name.startswith("."):
                continue
            try:
                refused = not_followed(path, root)
            except OSError as exc:  # a path past the OS's limit: only this entry is lost
                warnings.append(f"{shown_path(path)}: cannot be read ({exc.strerror}); skipped")
                continue
            if refused is not None:
                if _is_source_name(name) or _is_dir(path):
                    warnings.append(f"{shown_path(path)}: {refused}; skipped")
            elif _is_dir(path):
                real = path.resolve()
                if real not in seen:  # a link loop, or a second link to one folder
                    seen.add(real)
                    pending.append(path)
            elif _is_source_name(name) and _is_file(path):
                found.append(path)
            elif _is_source_name(name) and (why := special(path)):
                warnings.append(f"{shown_path(path)}: {why}; skipped")
            elif name not in _DATA_FILES and path.is_file():
                unread.append(shown_path(path.relative_to(sources_dir).as_posix()))
    if unread:
        warnings.append(_unread_warning(sources_dir, sorted(unread)))
    return sorted(found), warnings


def _unread_warning(sources_dir: Path, names: list[str]) -> str:
    """One line naming every file no reader knows, and what to do about them."""
    suffixes = " ".join(SOURCE_SUFFIXES)
    return (
        f"{shown_path(sources_dir)}: {len(names)} file{'s' if len(names) > 1 else ''} no reader "
        "knows, "
        f"skipped: {', '.join(names)} (sources are read from {suffixes}: convert them, or "
        "move them out of the folder)"
    )


def _is_source_name(name: str) -> bool:
    return not name.startswith(".") and Path(name).suffix.lower() in SOURCE_SUFFIXES


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def read_source(path: Path) -> str:
    """UTF-8 text exactly as stored; a bad byte names its line, and an empty or binary file is
    refused."""
    text = read_utf8(path)
    if not text.strip():
        raise DataFileError(path, None, "empty file")
    nul = text.find("\0")
    if nul >= 0:
        raise DataFileError(path, line_of_offset(text, nul), "binary (NUL bytes), not text")
    if len(_CONTROL.findall(text)) > BINARY_CONTROL_SHARE * len(text):
        raise DataFileError(path, None, "binary (mostly control characters), not text")
    return text


def skip_reason(sources_dir: Path, name: str) -> str | None:
    """Why the source file `name` (as facts.toml names it) is not served, re-checked now; None
    when there is no such source file at all."""
    path, parts = sources_dir / name, Path(name).parts
    if not _is_source_name(Path(name).name) or any(p.startswith(".") for p in parts):
        return None
    root = sources_dir.resolve()
    for depth in range(1, len(parts) + 1):  # each folder on the way, as the walk checks it
        entry = sources_dir.joinpath(*parts[:depth])
        try:
            refused = not_followed(entry, root)
        except OSError as exc:
            return f"{shown_path(entry)}: cannot be read ({exc.strerror})"
        if refused is not None:
            return f"{shown_path(entry)}: {refused}"
    if not _is_file(path):
        return None
    try:
        read_source(path)
    except DataFileError as exc:
        return str(exc)
    return f"{path}: no quotable text after cleaning"


@dataclass
class IngestedSource:
    """One source after ingestion, its passages as plain rows (index/passages.py)."""

    name: str  # relative to the sources folder, as `SourceSet.texts` keys it
    meta: SourceMeta
    sha256: str
    chrome: list[Chrome]
    passages: list[PassageRow]
    tables: list[Table]
    faqs: list[FaqEntry]

    def document(self) -> Document:
        """As a pydantic `Document`: slow at scale, for tools and tests."""
        return Document(
            meta=self.meta,
            sha256=self.sha256,
            chrome=self.chrome,
            passages=[row.passage(self.name) for row in self.passages],
            tables=self.tables,
            faqs=self.faqs,
        )


def ingest_source(
    name: str,
    text: str,
    entry: ManifestEntry | SourceMeta | None,
    sha256: str | None = None,
) -> tuple[IngestedSource, ReadDocument]:
    """One source read by its format's reader: its passages, chrome, tables and FAQs, with
    metadata from `sources.toml` where it says, else from the document itself; and the read
    document (its reading text is what the offsets index). `sha256` is the file's checksum
    when the caller already has it."""
    doc = read_document(name, text)
    meta = source_meta(name, doc, entry)
    source = IngestedSource(
        name=name,
        meta=meta,
        sha256=sha256 or _sha256(text),
        chrome=doc.chrome,
        passages=passage_rows(doc, meta.title),
        tables=extract_tables(name, doc),
        faqs=extract_faqs(name, doc),
    )
    return source, doc


def ingest_text(
    name: str, text: str, entry: ManifestEntry | SourceMeta | None, sha256: str | None = None
) -> Document:
    """`ingest_source` as a pydantic `Document`."""
    return ingest_source(name, text, entry, sha256)[0].document()


def source_meta(
    name: str, doc: ReadDocument, entry: ManifestEntry | SourceMeta | None
) -> SourceMeta:
    """What to cite the source as: each field `sources.toml` gives, else what the document
    says of itself, else (the title) the file name; `origin` says where each came from."""
    info: DocumentInfo = doc.info
    origin: dict[str, str] = {}
    found = {
        "title": info.title,
        "date": info.date,
        "description": info.description,
    }
    fields: dict[str, object] = {}
    for key, value in found.items():
        if value is not None:
            fields[key], origin[key] = value.value, value.origin
    if info.aliases:
        fields["aliases"], origin["aliases"] = info.aliases, info.aliases_origin or "document"
    if entry is not None:
        stated = set(ManifestEntry.model_fields) - {"file"}
        for key, value in entry.model_dump(include=stated, exclude_none=True).items():
            fields[key], origin[key] = value, MANIFEST_NAME
    if "title" not in fields:
        fields["title"] = Path(name).stem.replace("-", " ").replace("_", " ")
        origin["title"] = "file name"
    fields.setdefault("date", NOT_STATED)
    return SourceMeta(file=name, format=doc.format, origin=origin, **fields)


def read_sources(sources_dir: Path, known: Mapping[str, FileState] | None = None) -> SourceSet:
    """Every readable source; unreadable ones become warnings so the rest are still served.

    A file whose `known` state still vouches for it (index/file_states.py: same size and
    mtime, hashed after that mtime had aged) is taken to be the text that was checked and
    hashed then, and is not read; every other file is read, checked and hashed now."""
    metas, warnings = load_manifest(sources_dir)
    found, walk_warnings = source_files(sources_dir)
    paths: dict[str, Path] = {}
    sources = SourceSet(SourceFiles(paths), metas, warnings + walk_warnings)
    for path in found:
        name = path.relative_to(sources_dir).as_posix()
        try:
            sources.states[name] = _state(path, (known or {}).get(name))
        except DataFileError as exc:
            sources.warnings.append(f"{exc}; skipped")
            continue
        paths[name] = path
    for name in sorted(set(metas) - set(paths)):
        sources.warnings.append(f"{sources_dir / MANIFEST_NAME}: no source file named {name!r}")
    return sources


def _state(path: Path, known: FileState | None) -> FileState:
    """`known` when it still vouches for the file; else the file read, checked, hashed."""
    checked = time.time_ns()  # before the stat: a write after it is seen next time
    try:
        stat = path.stat()
    except OSError as exc:
        raise DataFileError(path, None, f"cannot be read ({exc.strerror or exc})") from exc
    if known is not None and known.vouches_for(stat):
        return known
    return stat_state(stat, _sha256(read_source(path)), checked)


def ingest(sources: SourceSet, progress: bool = False) -> Corpus:
    """Every source parsed into a pydantic `Document`, one at a time: for tools and tests; the
    index's build keeps only integer rows (index/builder.py). A source with nothing quotable
    left is a warning instead. With `progress`, a bar appears on stderr once parsing has
    taken more than a second."""
    corpus = Corpus(documents=[], texts={}, warnings=list(sources.warnings))
    items = tqdm(
        sources.texts.items(), desc="indexing", unit="file", delay=1.0, disable=not progress
    )
    for name, text in items:
        source, doc = ingest_source(name, text, sources.metas.get(name), sources.checksums[name])
        if not source.passages:
            corpus.warnings.append(f"{name}: no quotable text after cleaning; skipped")
            continue
        corpus.documents.append(source.document())
        corpus.texts[name] = doc.quotable
    return corpus
