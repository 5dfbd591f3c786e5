"""The index's build: sources in, the arrays the saved index holds out, with no per-passage
pydantic object and no per-token Python loop, and no source's text kept once it is analyzed.

One pass over the sources, one source at a time (`analyze_source`): its lines, layout and
chrome are found and dropped, its passages and sentences kept as integer rows
(index/passage_table.py), its sentences analyzed in batches (`batch_ids`: a batch's tokens
come from one `map` of the token regex and become term ids through one `map` of a memo, with no
Python call per sentence), and what it offers acronym mining noted. Several sources (enough
text to pay for starting them) are analyzed by worker processes, one source per task, their
results taken in source order, so the index is the same whichever process analyzed what.

Acronyms need every source's text before any can be found, and a sentence's analysis needs
them; but an acronym only ever adds a term after a sentence's other terms, found from those
terms alone. So sentences are analyzed without them, and once all sources are in, the
sentences holding a long form's first stem get their acronyms added (`_with_acronyms`).
Term ids are provisional until then: they are renumbered in order of first appearance, a
passage's heading before its sentences (the ids of `BM25Index.build`). Postings and the
sentence and heading term rows come out of the flat id array with one sort each
(`count_pairs`).
"""

from __future__ import annotations

import itertools
import os
from array import array
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, InstanceOf
from tqdm import tqdm

from index.analyzer import (
    AcronymCandidates,
    AcronymMiner,
    Analyzer,
    acronym_candidates,
    token_lists,
    token_term,
)
from index.cores import usable_cores
from index.errors import DataFileError
from index.ingest import (
    IndexedTexts,
    IngestedSource,
    SourceFiles,
    SourceSet,
    ingest_source,
    quotable_text,
    read_source,
)
from index.models import SourceMeta
from index.passage_table import NO_HEADING, PassageTable, PassageTableBuilder
from index.readers.document import ReadingText
from index.scorer import BM25Index, BM25Params
from index.sentence_terms import TermRows, term_rows

# Sentences analyzed in one batch: their tokens are Python strings until they become ids, so a
# batch, not a source (of any size), bounds that memory.
BATCH_SENTENCES = 4096
# Below this much source text in all, the build stays in one process: starting workers from a
# fork server costs about a quarter of a second (they import the builder afresh). At 9 MB (90
# of benchmarks/realtext.py's files, load 0.6) two workers built in 1.17-1.26 s and one process
# in 1.37-1.40 s, that quarter second included; at 4 MB it would eat the gain.
PARALLEL_MIN_BYTES = 8_000_000
# Worker processes at most (one per core up to this): each holds its own memo of the tokens.
MAX_WORKERS = 4
# Workers come from a fork server where the OS has one (Linux, macOS), else a fresh interpreter
# (Windows); never forked from the building process, which may be running onnxruntime's or the
# Discord client's threads: forking a process with threads can deadlock the child (Python 3.12
# warns of it).
_START_METHOD = "forkserver" if "forkserver" in get_all_start_methods() else "spawn"


@dataclass(frozen=True)
class IndexParts:
    """What analysis and indexing add to a table: the scorer and the term rows."""

    scorer: BM25Index
    sentence_terms: TermRows
    heading_terms: TermRows


@dataclass(frozen=True)
class Built:
    """A whole build: the table, the analyzer with the sources' acronyms, the index parts, the
    indexed sources' texts (read again only when asked for), and what was skipped and why."""

    table: PassageTable
    analyzer: Analyzer
    parts: IndexParts
    texts: Mapping[str, str | ReadingText]
    warnings: list[str]


def passage_analysis(
    table: PassageTable, texts: dict[str, str], analyzer: Analyzer
) -> Iterator[tuple[int, list[str], list[list[str]]]]:
    """Per passage, in order: its heading id (or NO_HEADING), the heading's terms (analyzed
    once per distinct heading) and each of its sentences' terms (chrome between is left out).
    The plain analysis, passage by passage: what the build's batches must equal."""
    source_texts = [texts[meta.file] for meta in table.metas]
    spans = table.sentences[:, :2]
    heading_terms: dict[int, list[str]] = {}
    for source, _, _, first, stop, heading in table.passages.tolist():
        text = source_texts[source]
        if heading != NO_HEADING and heading not in heading_terms:
            heading_terms[heading] = analyzer.terms(table.headings[heading])
        yield (
            heading,
            heading_terms.get(heading, []),
            [analyzer.terms(text[s:e]) for s, e in spans[first:stop].tolist()],
        )


class Vocabulary(dict[str, int]):
    """Term → provisional id, a new term getting the next one; `terms[i]` is id i's term."""

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[str] = []

    def __missing__(self, term: str) -> int:
        self[term] = len(self.terms)
        self.terms.append(term)
        return self[term]


class TokenIds(dict[str, int]):
    """Raw token → its term's provisional id, -1 for a stopword: a batch's tokens become ids
    in one `map` of dict look-ups, a Python call only for a token not seen before."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, token: str) -> int:
        term = token_term(token)
        self[token] = -1 if term is None else self.vocabulary[term]
        return self[token]


def batch_ids(texts: list[str], token_ids: TokenIds) -> tuple[np.ndarray, np.ndarray]:
    """The terms of each text but its acronyms (`Analyzer().terms`) as provisional ids, laid
    end to end, and how many each has: a few C-speed passes over the batch."""
    lists = token_lists(texts)
    n_tokens = np.fromiter(map(len, lists), np.int64, len(lists))
    ids = np.fromiter(
        map(token_ids.__getitem__, itertools.chain.from_iterable(lists)),
        np.int32,
        int(n_tokens.sum()),
    )
    del lists
    kept = ids >= 0
    counts = np.bincount(np.repeat(np.arange(len(texts)), n_tokens)[kept], minlength=len(texts))
    return ids[kept], counts.astype(np.int64)


def span_ids(
    text: str, spans: list[tuple[int, int]], token_ids: TokenIds
) -> tuple[np.ndarray, np.ndarray]:
    """`batch_ids` of the spans `text[s:e]`, a batch at a time."""
    parts = [
        batch_ids([text[s:e] for s, e in spans[at : at + BATCH_SENTENCES]], token_ids)
        for at in range(0, len(spans), BATCH_SENTENCES)
    ]
    if not parts:
        return np.empty(0, np.int32), np.empty(0, np.int64)
    return np.concatenate([ids for ids, _ in parts]), np.concatenate([n for _, n in parts])


def with_acronyms(
    ids: np.ndarray, counts: np.ndarray, vocabulary: Vocabulary, analyzer: Analyzer
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of term ids (`counts[r]` for row r) with the acronyms `analyzer.terms` adds after
    each row's other terms: only rows holding a long form's first stem are looked at."""
    starts = [vocabulary[t] for t in sorted(analyzer.long_form_starts) if t in vocabulary]
    if not starts:
        return ids, counts
    counts = counts.copy()
    ends = np.cumsum(counts)
    at: list[int] = []
    extra: list[int] = []
    hits = np.flatnonzero(np.isin(ids, starts))
    for row in np.unique(np.searchsorted(ends, hits, side="right")).tolist():
        end = int(ends[row])
        terms = [vocabulary.terms[i] for i in ids[end - counts[row] : end].tolist()]
        found = analyzer.acronym_terms(terms)
        at.extend([end] * len(found))
        extra.extend(map(vocabulary.__getitem__, found))
        counts[row] += len(found)
    return (np.insert(ids, at, extra) if at else ids), counts


class _ProcessTerms:
    """This process's vocabulary for analyzing sources, and how many of its terms have been
    reported: a result carries only the terms new since the previous one, so the vocabulary
    crosses to the builder once, whatever the number of sources."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.token_ids = TokenIds(Vocabulary())
        self.reported = 0

    def new_terms(self) -> list[str]:
        terms = self.token_ids.vocabulary.terms[self.reported :]
        self.reported += len(terms)
        return terms

    def skipped(self, warning: str) -> SourceResult:
        """A source's result when it was skipped: why, and the terms its analysis added."""
        return SourceResult(producer=self.pid, new_terms=self.new_terms(), warning=warning)


_worker_terms: _ProcessTerms | None = None


def _terms_of_worker() -> _ProcessTerms:
    """A worker's `_ProcessTerms`, kept from task to task (a pool lives for one build); a
    forked worker starts its own, not its parent's."""
    global _worker_terms
    if _worker_terms is None or _worker_terms.pid != os.getpid():
        _worker_terms = _ProcessTerms()
    return _worker_terms


class SourceResult(BaseModel):
    """One source as `analyze_source` hands it to the build, from a worker or not: its rows,
    its sentences' term ids (numbered by the producing process's vocabulary, whose new terms
    come along) and its acronym candidates; or why it was skipped."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    producer: int  # the process id whose vocabulary numbers `term_ids`
    new_terms: list[str]  # that vocabulary's terms added since its previous result
    source: InstanceOf[IngestedSource] | None = None
    term_ids: InstanceOf[np.ndarray] | None = None  # int32, the sentences' laid end to end
    term_counts: InstanceOf[np.ndarray] | None = None  # int64, per sentence
    acronyms: InstanceOf[AcronymCandidates] | None = None
    warning: str | None = None


def analyze_source(
    name: str,
    text: str | Path,
    meta: SourceMeta | None,
    sha256: str,
    here: _ProcessTerms | None = None,
) -> SourceResult:
    """One source (its text, or its file to read) ingested and analyzed, its terms numbered
    by `here` (by default, the worker's). A source that cannot be read or parsed is a warning
    naming it, never an exception: in a worker an exception would reach the build as a
    traceback, and one bad file must cost only itself."""
    here = here or _terms_of_worker()
    try:
        if isinstance(text, Path):
            text = read_source(text)
        source, doc = ingest_source(name, text, meta, sha256)
        if not source.passages:
            return here.skipped(f"{name}: no quotable text after cleaning; skipped")
        spans = [(s, e) for p in source.passages for s, e, _, _ in p.sentences]
        ids, counts = span_ids(doc.text, spans, here.token_ids)
        candidates = acronym_candidates(doc.text)
    except DataFileError as exc:
        return here.skipped(f"{exc}; skipped")
    except Exception as exc:  # a fault of this source's text; the others are still built
        return here.skipped(f"{name}: could not be indexed ({type(exc).__name__}: {exc}); skipped")
    return SourceResult(
        producer=here.pid,
        new_terms=here.new_terms(),
        source=source,
        term_ids=ids,
        term_counts=counts,
        acronyms=candidates,
    )


class _TermStreams:
    """Every sentence's term ids as sources deliver them, renumbered from each producing
    process's vocabulary into the build's, laid end to end."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self.ids = array("i")
        self.counts = array("q")
        self._ids_of: dict[int, array[int]] = {}  # per producer: its id → the build's

    def learn(self, producer: int, new_terms: list[str]) -> array[int]:
        """The producer's id → the build's, its `new_terms` added (a skipped source's too:
        later ids may use them)."""
        own = self._ids_of.setdefault(producer, array("i"))
        own.extend(map(self.vocabulary.__getitem__, new_terms))
        return own

    def add(self, producer: int, new_terms: list[str], ids: np.ndarray, counts: np.ndarray) -> None:
        own = self.learn(producer, new_terms)
        if len(ids):
            self.ids.frombytes(np.frombuffer(own, dtype=np.int32)[ids].tobytes())
        self.counts.frombytes(counts.tobytes())

    def finish(self, table: PassageTable, analyzer: Analyzer, params: BM25Params) -> IndexParts:
        """The index of the sentences added, in `table`'s order, and of its headings."""
        vocabulary = self.vocabulary
        sentence_tokens, sentence_counts = with_acronyms(
            np.frombuffer(self.ids, dtype=np.int32),
            np.frombuffer(self.counts, dtype=np.int64),
            vocabulary,
            analyzer,
        )
        heading_tokens, heading_counts = with_acronyms(
            *batch_ids(table.headings, TokenIds(vocabulary)), vocabulary, analyzer
        )
        order = _first_use_order(
            len(vocabulary.terms),
            table,
            (heading_tokens, heading_counts),
            (sentence_tokens, sentence_counts),
        )
        terms = {vocabulary.terms[old]: new for new, old in enumerate(order.tolist())}
        new_ids = np.empty(len(order), dtype=np.int32)
        new_ids[order] = np.arange(len(order), dtype=np.int32)
        sentence_tokens = new_ids[sentence_tokens]
        heading_tokens = new_ids[heading_tokens]
        self.ids = array("i")
        scorer = _scorer(
            terms, table, sentence_tokens, sentence_counts, heading_tokens, heading_counts, params
        )
        return IndexParts(
            scorer,
            term_rows(sentence_tokens, sentence_counts),
            term_rows(heading_tokens, heading_counts),
        )


def build_parts(sources: SourceSet, params: BM25Params, progress: bool = False) -> Built:
    """Every source ingested and analyzed in one pass (by worker processes when there is
    enough text), then indexed; no source's text is kept."""
    table = PassageTableBuilder()
    streams = _TermStreams()
    miner = AcronymMiner()
    warnings = list(sources.warnings)
    for result in _analyzed(sources, progress):
        if result.source is None:
            streams.learn(result.producer, result.new_terms)
            warnings.append(str(result.warning))
            continue
        source = result.source
        table.add(
            source.meta, source.sha256, source.chrome, source.passages, source.tables, source.faqs
        )
        streams.add(result.producer, result.new_terms, result.term_ids, result.term_counts)
        miner.add(result.acronyms)
    finished = table.finish()
    analyzer = Analyzer(miner.acronyms())
    parts = streams.finish(finished, analyzer, params)
    return Built(finished, analyzer, parts, _indexed_texts(sources, finished), warnings)


def _indexed_texts(sources: SourceSet, table: PassageTable) -> Mapping[str, str | ReadingText]:
    """What the indexed sources are quoted from: each one's text, or for a format read as
    something else (an HTML page's visible text) that reading, whether given as texts or files."""
    names = [meta.file for meta in table.metas]
    files = sources.texts
    if not isinstance(files, SourceFiles):
        return {name: quotable_text(name, files[name]) for name in names}
    checksums = dict(zip(names, table.checksums, strict=True))
    return IndexedTexts({name: files.paths[name] for name in names}, checksums)


def index_table(
    table: PassageTable,
    texts: dict[str, str],
    analyzer: Analyzer,
    params: BM25Params,
    progress: bool = False,
) -> IndexParts:
    """Analyze every passage of a table already made (from pydantic documents: tools and
    tests) and index its terms: a passage's terms are its heading's and its sentences'."""
    here = _ProcessTerms()
    streams = _TermStreams()
    spans = table.sentences[:, :2]
    for meta, passages in tqdm(
        list(zip(table.metas, table.ranges(), strict=True)),
        "indexing",
        unit=" sources",
        delay=1.0,
        disable=not progress,
    ):
        if passages:
            first, stop = table.passages[passages.start, 3], table.passages[passages[-1], 4]
            rows = spans[first:stop].tolist()
            ids, counts = span_ids(texts[meta.file], rows, here.token_ids)
            streams.add(here.pid, here.new_terms(), ids, counts)
    return streams.finish(table, analyzer, params)


def _analyzed(sources: SourceSet, progress: bool) -> Iterator[SourceResult]:
    """`analyze_source` of every source, in order: in worker processes when there are several
    sources and enough text (`_workers`), else here. Workers take one source per task, a few
    tasks ahead of the one awaited, so results never pile up; should the pool break (a worker
    killed), the sources it did not deliver are analyzed here."""
    files = sources.texts
    tasks = [
        (
            name,
            files.paths[name] if isinstance(files, SourceFiles) else files[name],
            sources.metas.get(name),
            sources.checksums[name],
        )
        for name in files
    ]
    bar = tqdm(total=len(tasks), desc="indexing", unit="file", delay=1.0, disable=not progress)
    done = 0
    workers = _workers(sources)
    if workers > 1:
        try:
            with ProcessPoolExecutor(workers, mp_context=get_context(_START_METHOD)) as pool:
                pending: deque[Future[SourceResult]] = deque()
                for task in tasks:
                    pending.append(pool.submit(analyze_source, *task))
                    if len(pending) > 2 * workers:
                        yield pending.popleft().result()
                        done += 1
                        bar.update()
                while pending:
                    yield pending.popleft().result()
                    done += 1
                    bar.update()
        except BrokenProcessPool:
            pass
    here = _ProcessTerms()
    for task in tasks[done:]:
        yield analyze_source(*task, here)
        bar.update()
    bar.close()


def _workers(sources: SourceSet) -> int:
    """How many worker processes pay: one per usable core (at most MAX_WORKERS) when there are
    several source files and PARALLEL_MIN_BYTES of them in all; else none (1)."""
    if not isinstance(sources.texts, SourceFiles) or len(sources.texts) < 2:
        return 1
    size = sum(state.size for state in sources.states.values())
    if size < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(usable_cores(), MAX_WORKERS, len(sources.texts)))


def _first_use_order(
    n_terms: int,
    table: PassageTable,
    headings: tuple[np.ndarray, np.ndarray],
    sentences: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """The provisional ids in order of their terms' first appearance, a passage's heading (at
    its first use) before its sentences: the ids `BM25Index.build` gives the passages' term
    lists. Batches give provisional ids in another order (headings are analyzed last, acronyms
    added after their batch). `headings` and `sentences` are (term ids, counts per row)."""
    heading_column = table.passages[:, 5]
    used = np.flatnonzero(heading_column != NO_HEADING)
    # Where each term first occurs in either stream: (passage, 0 heading | 1 sentence, place).
    owners = (
        used[_first_positions(len(headings[1]), heading_column[used])],
        np.repeat(np.arange(len(table)), table.passages[:, 4] - table.passages[:, 3]),
    )
    keys = []
    for (tokens, counts), owner in zip((headings, sentences), owners, strict=True):
        at = _first_positions(n_terms, tokens)
        seen = at < len(tokens)
        passage = np.full(n_terms, len(table), dtype=np.int64)
        passage[seen] = owner[np.searchsorted(np.cumsum(counts), at[seen], side="right")]
        keys.append((passage, at))
    (h_passage, h_at), (s_passage, s_at) = keys
    in_heading = h_passage <= s_passage
    return np.lexsort(
        (
            np.where(in_heading, h_at, s_at),
            ~in_heading,
            np.where(in_heading, h_passage, s_passage),
        )
    )


# Tokens per np.minimum.at call in `_first_positions`: its positions are a temporary array.
_POSITIONS_CHUNK = 1 << 20


def _first_positions(n_terms: int, tokens: np.ndarray) -> np.ndarray:
    """Where each id first occurs in `tokens`; len(tokens) for an id that does not."""
    first = np.full(n_terms, len(tokens), dtype=np.int64)
    for at in range(0, len(tokens), _POSITIONS_CHUNK):
        chunk = tokens[at : at + _POSITIONS_CHUNK]
        np.minimum.at(first, chunk, np.arange(at, at + len(chunk), dtype=np.int64))
    return first


def _scorer(
    vocabulary: dict[str, int],
    table: PassageTable,
    sentence_tokens: np.ndarray,
    sentence_counts: np.ndarray,
    heading_tokens: np.ndarray,
    heading_counts: np.ndarray,
    params: BM25Params,
) -> BM25Index:
    """The postings of every passage's terms; a function of its own so that the token-sized
    arrays it makes are freed before the term rows make theirs (the build's memory peak)."""
    ids, owners, doc_len = _passage_tokens(
        table, sentence_tokens, sentence_counts, heading_tokens, heading_counts
    )
    return BM25Index.from_ids(vocabulary, ids, owners, doc_len, params)


def _passage_tokens(
    table: PassageTable,
    sentence_tokens: np.ndarray,
    sentence_counts: np.ndarray,
    heading_tokens: np.ndarray,
    heading_counts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every term of every passage as (term id, passage id), sentences' terms first, then
    headings' (postings are sorted anyway), and each passage's number of terms. The sentence
    arrays are used as they are: passages own consecutive runs of sentences, in order."""
    first, stop, heading = table.passages[:, 3], table.passages[:, 4], table.passages[:, 5]
    sentence_starts = np.concatenate([[0], np.cumsum(sentence_counts)])
    s_len = sentence_starts[stop] - sentence_starts[first]
    # NO_HEADING is -1: it picks the extra last entry, an empty heading.
    h_len = np.append(heading_counts, 0)[heading]
    passages = np.arange(len(table), dtype=np.int64)
    ids, owners = sentence_tokens, np.repeat(passages, s_len)
    if h_len.any():
        heading_starts = np.cumsum(heading_counts) - heading_counts
        # Where each passage's heading terms lie in `heading_tokens`, laid end to end.
        at = np.repeat(np.append(heading_starts, 0)[heading] - np.cumsum(h_len) + h_len, h_len)
        at += np.arange(len(at))
        ids = np.concatenate([ids, heading_tokens[at]])
        owners = np.concatenate([owners, np.repeat(passages, h_len)])
    return ids, owners, s_len + h_len
