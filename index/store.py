"""The saved index: built once per state of the sources, reloaded without re-tokenizing anything.

Layout, in a cache folder derived from the sources path (never inside `sources/`):

    manifest.json       what the index was built from, and which generation folder is current
    gen-XXXXXXXX/       .npy arrays, mapped with mmap (only what queries read becomes
                        resident), and strings.json (terms, headings, kinds); in semantic
                        mode also the sentence vectors (index/vectors.py)
    vectors.sqlite3     every sentence vector encoded so far (index/vector_cache.py)
    build.lock          held while a build runs
    file-states.json    what each file's stat was when last hashed (index/file_states.py)
    quotebot-*.txt      markers: this folder and each generation folder are the cache's own

The cache writes only in a folder it can prove it made and deletes only its own files in
generation folders carrying its marker (index/cache_folder.py): a `--cache` pointed at a folder
of the user's is refused before anything is written. It never reads or writes through a link:
a link (or FIFO, or folder) at one of its names is refused in one line (index/cache_files.py).

A build writes a new generation folder, then replaces manifest.json in one rename: a build
killed halfway leaves the previous manifest pointing at the previous, intact folder. Builds
take a lock on the folder, so two processes never build at once; readers take none. Every file
of a generation is checksummed in the manifest; a stale, corrupt or missing index is rebuilt
with a note saying why.

Loading reads no source whole and hashes only what changed: `file-states.json` records each
source's and each index file's size, mtime and checksum when it was last hashed
(index/file_states.py), so a file whose stat still vouches for it is not read; the others are
hashed and compared as before. Every index file is still checked cheaply on each load: its
.npy header against its size (np.load refuses a truncated array), and the arrays' shapes and
ranges against each other (`_check_shapes`). Quotes are then sliced from the mapped source
files (index/source_text.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import resource
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from index.analyzer import Analyzer, analyzer_version
from index.builder import build_parts
from index.cache_files import CacheFolderError, no_follow, read_own
from index.cache_folder import (
    check_cache_folder,
    claim,
    discard_generation,
    is_cache_folder,
    is_generation,
    mark_generation,
    remove_generation,
)
from index.encoder import Encoder, model_of
from index.file_states import STATES, FileState, States, hashed_state, read_states, write_states
from index.ingest import SourceFiles, SourceSet, quotable_text, read_sources
from index.models import FaqEntry, SourceMeta, Table
from index.passage_table import NO_HEADING, PassageTable
from index.readers import format_of, readers_version
from index.scorer import BM25Index, block_offsets
from index.search import BM25Params, Retriever
from index.sentence_terms import TERM_ROW_PARTS, TermRows
from index.source_text import ReadSource, SourceText, Text
from index.vector_cache import CACHE_NAME, VECTOR_FILES
from index.vectors import CODES_FILE, SCALES_FILE, SentenceVectors, encode_sentences

# 4: per-block upper bounds (bounds.npy); 5: sentence and heading terms; 6: a reader per format;
# 7: where each FAQ answer's section ends
FORMAT_VERSION = 7
MANIFEST = "manifest.json"
LOCK = "build.lock"
STRINGS = "strings.json"
ARRAYS = (
    "idf",
    "offsets",
    "docs",
    "weights",
    "bounds",
    "passages",
    "sentences",
    "chrome",
    *(f"{rows}_term_{part}" for rows in ("sentence", "heading") for part in TERM_ROW_PARTS),
)
MANIFEST_TMP = f".{MANIFEST}"  # written in the new generation folder, then moved over MANIFEST
# What a generation folder holds: the files `remove_generation` may delete.
GENERATION_FILES = frozenset(
    {STRINGS, MANIFEST_TMP, CODES_FILE, SCALES_FILE, *(f"{name}.npy" for name in ARRAYS)}
)
# The files the cache keeps beside its generation folders: none may be a link.
OWN_FILES = (MANIFEST, LOCK, STATES, *VECTOR_FILES)


class SavedSource(BaseModel):
    """Per source: its citation, checksum, and the tables and FAQs ingestion found in it."""

    meta: SourceMeta
    sha256: str
    tables: list[Table]
    faqs: list[FaqEntry]


class Manifest(BaseModel):
    """Everything needed to decide whether the saved index serves the sources as they are."""

    format_version: int
    analyzer: str
    readers: str
    params: BM25Params
    sources_fingerprint: str
    acronyms: dict[str, tuple[str, ...]]
    sources: list[SavedSource]
    generation: str = Field(pattern=r"^gen-\w+$")  # a folder beside the manifest, no path
    checksums: dict[str, str]  # file name in the generation folder → sha256
    vectors_model: str | None = None  # fingerprint of the encoder of the sentence vectors


class CorruptIndex(Exception):
    """A saved index that cannot be used as it is; the message says what is wrong."""


def cache_dir_for(sources_dir: Path) -> Path:
    """A folder of its own per sources folder, under $QUOTEBOT_CACHE or ~/.cache/quotebot."""
    root = Path(os.environ.get("QUOTEBOT_CACHE") or Path.home() / ".cache" / "quotebot")
    key = hashlib.sha256(os.fsencode(sources_dir.resolve())).hexdigest()[:16]
    return root / f"{sources_dir.resolve().name}-{key}"


def load_index(
    sources_dir: Path,
    cache_dir: Path | None = None,
    params: BM25Params | None = None,
    progress: bool = False,
    force: bool = False,
    must_save: bool = False,
    encoder: Encoder | None = None,
) -> tuple[Retriever, list[str]]:
    """The retriever for `sources_dir`, from the cache when it is current; plus notes to show.

    A cache folder inside the sources folder, or holding files not the cache's own, raises
    CacheFolderError. An index that cannot be saved is a note, or with `must_save` (the
    `index` command, whose job is saving it) a CacheFolderError.

    With an `encoder` (semantic mode, index/semantic.py) it carries a vector per sentence: a
    saved index without vectors of that encoder is rebuilt, encoding only the sentences the
    vector cache lacks. Without one, saved vectors are ignored."""
    params = params or BM25Params()
    folder = cache_dir or cache_dir_for(sources_dir)
    check_cache_folder(folder, sources_dir, OWN_FILES)
    # `force` (`index --force`) trusts no saved state: every file is hashed again.
    states = States() if force else read_states(folder / STATES)
    sources = read_sources(sources_dir, states.sources)
    notes = list(sources.warnings)
    if not force:
        with contextlib.suppress(OSError, CorruptIndex):
            return _opened(folder, sources, params, encoder, states), notes
    with _build_lock(folder):
        if not force:
            # Another process may have built it while this one waited for the lock.
            try:
                return _opened(folder, sources, params, encoder, states), notes
            except FileNotFoundError:
                pass
            except (OSError, CorruptIndex) as exc:
                notes.append(f"{folder / MANIFEST}: {exc}; rebuilt.")
        vector_cache = _vector_cache(folder)
        retriever = build_index(sources, params, progress, encoder, vector_cache)
        retriever.vector_cache = vector_cache
        notes.extend(w for w in retriever.warnings if w not in notes)
        try:
            save_index(retriever, sources.fingerprint, folder)
        except OSError as exc:
            if must_save:
                reason = f"the index could not be saved ({exc.strerror or exc})"
                if (folder / MANIFEST).is_file():
                    reason += "; the index saved before is kept"
                raise CacheFolderError(folder, None, reason) from exc
            notes.append(
                f"{folder}: the index could not be saved ({exc.strerror or exc}); it was built "
                "for this run only and will be built again next time."
            )
        else:
            _keep_states(folder, States(sources=sources.states))
    return retriever, notes


def _opened(
    folder: Path,
    sources: SourceSet,
    params: BM25Params,
    encoder: Encoder | None,
    states: States,
) -> Retriever:
    """`open_index`, then the states of what it had to hash kept for the next load."""
    before = (dict(states.sources), states.generation, dict(states.index))
    states.sources = sources.states
    retriever = open_index(folder, sources, params, encoder, states)
    if (states.sources, states.generation, states.index) != before:
        _keep_states(folder, states)
    retriever.vector_cache = _vector_cache(folder)
    return retriever


def _vector_cache(folder: Path) -> Path | None:
    """The vector cache's path: only in a folder marked as the cache's own (a folder that
    could not be claimed gets nothing, not even a database file)."""
    return folder / CACHE_NAME if is_cache_folder(folder) else None


def _keep_states(folder: Path, states: States) -> None:
    """Save the states, in a cache folder marked as the cache's own only."""
    if is_cache_folder(folder):
        write_states(folder / STATES, states)


@contextlib.contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """One build at a time per cache folder: the bot and `python -m bot index` may race.
    Where the folder cannot be written there is nothing to protect, and the build goes on.
    The lock file is opened without truncating it or following a link."""
    try:
        claim(folder)
        lock = open(folder / LOCK, "ab", opener=no_follow)  # noqa: SIM115 - held for the build
    except OSError:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_index(
    sources: SourceSet,
    params: BM25Params | None = None,
    progress: bool = False,
    encoder: Encoder | None = None,
    vector_cache: Path | None = None,
) -> Retriever:
    """The retriever over `sources`; with an `encoder`, a vector per sentence too, taken from
    the SQLite `vector_cache` where it holds them (and added to it)."""
    built = build_parts(sources, params or BM25Params(), progress)
    retriever = Retriever.from_index(
        built.texts,
        built.table,
        built.parts.scorer,
        built.analyzer,
        built.parts.sentence_terms,
        built.parts.heading_terms,
    )
    retriever.warnings = built.warnings
    if encoder is not None:
        vectors, notes = encode_sentences(
            retriever.table, retriever.texts, encoder, vector_cache, progress
        )
        retriever.warnings = [*retriever.warnings, *notes]
        retriever.attach_vectors(vectors, encoder)
    return retriever


def save_index(retriever: Retriever, fingerprint: str, folder: Path) -> None:
    """Write a new generation folder, then switch the manifest to it in one rename (the new
    manifest is written in the new folder: a failed save leaves nothing outside it)."""
    claim(folder)
    generation = Path(tempfile.mkdtemp(prefix="gen-", dir=folder))
    manifest_tmp = generation / MANIFEST_TMP
    try:
        mark_generation(generation)  # first: a build killed later leaves a folder it may delete
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            analyzer=analyzer_version(),
            readers=readers_version(),
            params=_saved_words(retriever).params,
            sources_fingerprint=fingerprint,
            acronyms=retriever.analyzer.acronyms,
            sources=[
                SavedSource(meta=e.meta, sha256=e.sha256, tables=e.tables, faqs=e.faqs)
                for e in retriever.documents.values()
            ],
            generation=generation.name,
            checksums=_write_generation(retriever, generation),
            vectors_model=None if retriever.vectors is None else retriever.vectors.model,
        )
        _write(manifest_tmp, lambda out: out.write(manifest.model_dump_json().encode()))
        os.replace(manifest_tmp, folder / MANIFEST)
    except BaseException:
        # Killed or failed: leave no trace; the old manifest still names the old generation.
        discard_generation(generation, GENERATION_FILES)
        raise
    for old in folder.glob("gen-*"):
        if old.name != generation.name:
            remove_generation(old, GENERATION_FILES)


def _saved_words(retriever: Retriever) -> BM25Index:
    """The word index as this folder saves it: its arrays are a `BM25Index`'s. Another
    backend behind `index.passage_search.WordIndex` keeps its own store."""
    if not isinstance(retriever.scorer, BM25Index):
        raise TypeError(f"the index saves a BM25Index, not {type(retriever.scorer).__name__}")
    return retriever.scorer


def _write_generation(retriever: Retriever, generation: Path) -> dict[str, str]:
    """The index's arrays and strings as files in `generation`; their checksums by file name."""
    scorer, table = _saved_words(retriever), retriever.table
    arrays = {
        "idf": scorer.idf,
        "offsets": scorer.offsets,
        "docs": scorer.docs,
        "weights": scorer.weights,
        "bounds": scorer.bounds,
        "passages": table.passages,
        "sentences": table.sentences,
        "chrome": table.chrome,
    }
    for rows, terms in (
        ("sentence", retriever.sentence_terms),
        ("heading", retriever.heading_terms),
    ):
        arrays |= {f"{rows}_term_{part}": getattr(terms, part) for part in TERM_ROW_PARTS}
    if retriever.vectors is not None:
        vectors = retriever.vectors
        if not isinstance(vectors, SentenceVectors):
            raise TypeError(f"the index saves SentenceVectors, not {type(vectors).__name__}")
        arrays |= {"vectors": vectors.codes, "vector_scales": vectors.scales}
    checksums = {}
    for name, values in arrays.items():
        checksums[f"{name}.npy"] = _write(
            generation / f"{name}.npy", lambda out, a=values: _write_npy(out, a)
        )
    strings = {"terms": list(scorer.terms), "headings": table.headings, "kinds": table.kinds}
    checksums[STRINGS] = _write(
        generation / STRINGS, lambda out: out.write(json.dumps(strings).encode())
    )
    return checksums


def open_index(
    folder: Path,
    sources: SourceSet,
    params: BM25Params,
    encoder: Encoder | None = None,
    states: States | None = None,
) -> Retriever:
    """The saved retriever if it was built from these sources with these settings (and, with
    an encoder, holds its sentence vectors).

    An index file is hashed and compared with the manifest's checksum unless its state in
    `states` vouches that it is the file hashed before; the states of files hashed now are
    added to `states`.

    Raises FileNotFoundError when there is no index, CorruptIndex when it is unusable.
    """
    manifest = _read_manifest(folder / MANIFEST)
    stale = _stale(manifest, sources, params, encoder)
    if stale:
        raise CorruptIndex(f"saved index is stale ({stale})")
    generation = folder / manifest.generation
    if not is_generation(generation):
        raise CorruptIndex(f"saved index is corrupt ({manifest.generation} is not its folder)")
    unused = () if encoder else (CODES_FILE, SCALES_FILE)
    known = (states or States()).index_states(manifest.generation)
    for name, digest in manifest.checksums.items():
        if name not in unused:
            state = _checked(generation / name, known.get(name))
            if state is None or state.sha256 != digest:
                known.pop(name, None)
                raise CorruptIndex(f"saved index is corrupt ({manifest.generation}/{name})")
            known[name] = state
    try:
        strings = json.loads(read_own(generation / STRINGS))
        # Plain arrays over the mapped files: slicing a np.memmap costs a Python hook each time.
        arrays = {
            name: np.asarray(np.load(generation / f"{name}.npy", mmap_mode="r")) for name in ARRAYS
        }
        scorer = BM25Index(
            params=manifest.params,
            terms={t: i for i, t in enumerate(strings["terms"])},
            idf=arrays["idf"],
            offsets=arrays["offsets"],
            docs=arrays["docs"],
            weights=arrays["weights"],
            n_docs=len(arrays["passages"]),
            bounds=arrays["bounds"],
        )
        table = PassageTable(
            metas=[s.meta for s in manifest.sources],
            checksums=[s.sha256 for s in manifest.sources],
            tables=[s.tables for s in manifest.sources],
            faqs=[s.faqs for s in manifest.sources],
            headings=strings["headings"],
            kinds=strings["kinds"],
            passages=arrays["passages"],
            sentences=arrays["sentences"],
            chrome=arrays["chrome"],
        )
        _check_shapes(scorer, table)
        sentence_terms, heading_terms = (
            TermRows(*(arrays[f"{rows}_term_{part}"] for part in TERM_ROW_PARTS))
            for rows in ("sentence", "heading")
        )
        if not (
            len(sentence_terms) == len(table.sentences)
            and len(heading_terms) == len(table.headings)
            and sentence_terms.valid(len(scorer.terms))
            and heading_terms.valid(len(scorer.terms))
        ):
            raise CorruptIndex("saved index arrays disagree")
        retriever = Retriever.from_index(
            texts={s.meta.file: _source_text(sources, s.meta.file) for s in manifest.sources},
            table=table,
            scorer=scorer,
            analyzer=Analyzer(dict(manifest.acronyms)),
            sentence_terms=sentence_terms,
            heading_terms=heading_terms,
        )
        if encoder is not None:
            vectors = SentenceVectors(
                encoder.fingerprint,
                np.asarray(np.load(generation / CODES_FILE, mmap_mode="r")),
                np.asarray(np.load(generation / SCALES_FILE, mmap_mode="r")),
            )
            if vectors.codes.shape != (len(table.sentences), encoder.dim) or (
                vectors.scales.shape != (len(table.sentences),)
            ):
                raise CorruptIndex("saved index arrays disagree")
            retriever.attach_vectors(vectors, encoder)
        return retriever
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorruptIndex(f"saved index unreadable ({type(exc).__name__})") from exc


def _checked(path: Path, known: FileState | None) -> FileState | None:
    """`known` when it vouches for the file at `path`; else its state hashed now; None when
    it cannot be read or is not a regular file (a link is never followed)."""
    try:
        stat_now = path.lstat()
        if not stat.S_ISREG(stat_now.st_mode):
            return None
        if known is not None and known.vouches_for(stat_now):
            return known
        return hashed_state(path)
    except OSError:
        return None


def _source_text(sources: SourceSet, name: str) -> Text:
    """A source's text for quoting: mapped from its file when it has one on disk (the
    staleness check has just vouched that it is the text indexed, and the mapping checks it
    still is), else the text given; a format read as something else than its text (HTML) is
    read when first quoted."""
    files = sources.texts
    if not isinstance(files, SourceFiles):
        return quotable_text(name, files[name])
    fmt = format_of(name)
    state = sources.states.get(name)
    if fmt is None or fmt.own_text:
        return SourceText(files.paths[name], state)
    return ReadSource(files.paths[name], state, lambda text: quotable_text(name, text))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read_manifest(path: Path) -> Manifest:
    raw = read_own(path)  # FileNotFoundError: no index yet
    try:
        return Manifest.model_validate_json(raw)
    except (ValidationError, ValueError) as exc:
        raise CorruptIndex(f"saved index unreadable ({type(exc).__name__})") from exc


def _stale(
    manifest: Manifest, sources: SourceSet, params: BM25Params, encoder: Encoder | None
) -> str | None:
    """Why the saved index no longer matches, or None when it does."""
    if manifest.format_version != FORMAT_VERSION:
        return "older format"
    if manifest.analyzer != analyzer_version():
        return "analyzer changed"
    if manifest.readers != readers_version():
        return "document readers changed"
    if manifest.params != params:
        return "BM25 parameters changed"
    if manifest.sources_fingerprint != sources.fingerprint:
        return "sources changed"
    if encoder is not None and manifest.vectors_model != encoder.fingerprint:
        if manifest.vectors_model is None:
            return "no sentence vectors: built lexical"
        # e.g. vectors of padded batches, before each sentence ran alone
        if model_of(manifest.vectors_model) == model_of(encoder.fingerprint):
            return "sentence vectors encoded another way: re-encoding"
        return "sentence vectors of another model"
    return None


def _out_of_range(table: PassageTable) -> list[bool]:
    """Columns that point outside the lists they index (sources, sentences, headings, kinds)."""
    n_sources, n_sentences = len(table.metas), len(table.sentences)
    p, s, c = table.passages, table.sentences, table.chrome
    problems = [len(table.tables) != n_sources, len(table.faqs) != n_sources]
    if len(p):
        problems += [
            int(p[:, 0].min()) < 0 or int(p[:, 0].max()) >= n_sources,
            int(p[:, 3].min()) < 0 or int(p[:, 4].max()) > n_sentences,
            bool((p[:, 3] > p[:, 4]).any()),
            int(p[:, 5].min()) < NO_HEADING or int(p[:, 5].max()) >= len(table.headings),
        ]
    if len(s):
        problems.append(int(s[:, 3].min()) < 0 or int(s[:, 3].max()) >= len(table.kinds))
    if len(c):
        problems += [
            int(c[:, 0].min()) < 0 or int(c[:, 0].max()) >= n_sources,
            int(c[:, 3].min()) < 0 or int(c[:, 3].max()) >= len(table.kinds),
        ]
    return problems


def _check_shapes(scorer: BM25Index, table: PassageTable) -> None:
    """Arrays that agree with each other, so that no query can index out of bounds."""
    n_terms, n_postings = len(scorer.terms), len(scorer.docs)
    problems = [
        scorer.idf.shape != (n_terms,),
        scorer.offsets.shape != (n_terms + 1,),
        scorer.weights.shape != (n_postings,),
        n_terms > 0 and int(scorer.offsets[-1]) != n_postings,
        table.passages.ndim != 2 or table.passages.shape[1] != 6,
        table.sentences.ndim != 2 or table.sentences.shape[1] != 4,
        table.chrome.ndim != 2 or table.chrome.shape[1] != 4,
    ]
    if not any(problems):
        problems += _out_of_range(table) + _bad_bounds(scorer)
    if any(problems):
        raise CorruptIndex("saved index arrays disagree")


def _bad_bounds(scorer: BM25Index) -> list[bool]:
    """Term slices that do not tile the postings, or block bounds that do not fit them.

    The compiled top-k reads postings through `offsets` and skips them on the strength of
    `bounds`, so both are checked: one bound per block of each term's slice, finite and never
    below 0. A bound too low but well formed would drop true hits; the manifest's checksums
    are what catch such a file (tests/test_store.py)."""
    offsets, bounds = scorer.offsets, scorer.bounds
    if int(offsets[0]) != 0 or bool((np.diff(offsets) < 0).any()):
        return [True]
    return [
        bounds.shape != (int(block_offsets(offsets, scorer.block)[-1]),),
        not bool(np.isfinite(bounds).all()) or bool((bounds < 0).any()),
    ]


def _write(path: Path, writer: Callable[[BinaryIO], object]) -> str:
    """Write a new file (exclusively: never over a file or through a link) through to the
    disk; its checksum, for the manifest."""
    with open(path, "xb") as out:
        writer(out)
        out.flush()
        os.fsync(out.fileno())
    return _sha256_file(path) or ""


def _write_npy(out: BinaryIO, values: np.ndarray) -> None:
    """What np.save writes, through Python's file object: np.save hands a real file to C,
    whose short write on a full disk loses the errno ("5920 requested and 5616 written"),
    while this raises the OSError that names it (ENOSPC)."""
    values = np.ascontiguousarray(values)
    np.lib.format.write_array_header_1_0(out, np.lib.format.header_data_from_array_1_0(values))
    out.write(values.data)


def _sha256_file(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None
