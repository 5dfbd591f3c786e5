"""The index's build: sources in, the arrays the saved index holds out, with no per-passage
pydantic object and no per-token Python loop.

Two passes. Ingestion takes one source at a time (its lines, layout and chrome are dropped
before the next) and keeps only integer rows of passages and sentences (index/passage_table.py).
Acronyms are then mined from the kept texts, since every sentence's analysis needs them.
Analysis then takes the sentences in batches (`batch_ids`): a batch's tokens come from one
`map` of the token regex and become term ids through one `map` of a memo, with no Python call
per sentence; the ids are appended to one flat array. They are provisional: once everything is
analyzed they are renumbered in order of first appearance, a passage's heading before its
sentences (the ids of `BM25Index.build`). Postings and the sentence and heading term rows come
out of that array with one sort each (`count_pairs`).
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from index.analyzer import Analyzer, token_lists, token_term
from index.ingest import SourceSet, ingested
from index.passage_table import NO_HEADING, PassageTable, PassageTableBuilder
from index.scorer import BM25Index, BM25Params
from index.sentence_terms import TermRows, term_rows


@dataclass(frozen=True)
class Ingested:
    """The sources that have passages, as a table, their texts, and what was skipped and why."""

    table: PassageTable
    texts: dict[str, str]
    warnings: list[str]


@dataclass(frozen=True)
class IndexParts:
    """What analysis and indexing add to a table: the scorer and the term rows."""

    scorer: BM25Index
    sentence_terms: TermRows
    heading_terms: TermRows


def ingest_table(sources: SourceSet, progress: bool = False) -> Ingested:
    """Every source ingested one at a time into a table of integer rows."""
    builder = PassageTableBuilder()
    texts: dict[str, str] = {}
    warnings = list(sources.warnings)
    for source in ingested(sources, progress):
        if isinstance(source, str):
            warnings.append(source)
            continue
        builder.add(
            source.meta, source.sha256, source.chrome, source.passages, source.tables, source.faqs
        )
        texts[source.name] = source.text
    return Ingested(builder.finish(), texts, warnings)


def passage_analysis(
    table: PassageTable, texts: dict[str, str], analyzer: Analyzer
) -> Iterator[tuple[int, list[str], list[list[str]]]]:
    """Per passage, in order: its heading id (or NO_HEADING), the heading's terms (analyzed
    once per distinct heading) and each of its sentences' terms (chrome between is left out)."""
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


# Sentences analyzed in one batch: their tokens are Python strings until they become ids, so a
# batch, not a source (of any size), bounds that memory.
BATCH_SENTENCES = 4096


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


def batch_ids(
    texts: list[str], token_ids: TokenIds, analyzer: Analyzer
) -> tuple[np.ndarray, np.ndarray]:
    """`analyzer.terms` of each text as provisional ids, laid end to end, and how many each
    has: a few C-speed passes over the batch instead of Python calls per text. The few texts
    holding a long form's first stem get their acronyms added at their end, as `terms` does."""
    lists = token_lists(texts)
    n_tokens = np.fromiter(map(len, lists), np.int64, len(lists))
    ids = np.fromiter(
        map(token_ids.__getitem__, itertools.chain.from_iterable(lists)),
        np.int32,
        int(n_tokens.sum()),
    )
    del lists
    kept = ids >= 0
    owners = np.repeat(np.arange(len(texts)), n_tokens)[kept]
    ids = ids[kept]
    counts = np.bincount(owners, minlength=len(texts))
    vocabulary = token_ids.vocabulary
    starts = [vocabulary[t] for t in analyzer.long_form_starts if t in vocabulary]
    if not starts:
        return ids, counts
    ends = np.cumsum(counts)
    at: list[int] = []
    extra: list[int] = []
    for row in np.unique(owners[np.isin(ids, starts)]).tolist():
        end = int(ends[row])
        terms = [vocabulary.terms[i] for i in ids[end - counts[row] : end].tolist()]
        found = analyzer.acronym_terms(terms)
        at.extend([end] * len(found))
        extra.extend(map(vocabulary.__getitem__, found))
        counts[row] += len(found)
    return (np.insert(ids, at, extra) if at else ids), counts


def index_table(
    table: PassageTable,
    texts: dict[str, str],
    analyzer: Analyzer,
    params: BM25Params,
    progress: bool = False,
) -> IndexParts:
    """Analyze every passage of `table` and index its terms (a passage's terms are its
    heading's and its sentences'; the chrome between sentences is left out)."""
    vocabulary = Vocabulary()
    token_ids = TokenIds(vocabulary)
    sentence_ids, sentence_lengths = array("i"), array("q")
    spans = table.sentences[:, :2]
    bar = tqdm(None, "indexing", len(spans), unit=" sentences", delay=1.0, disable=not progress)
    for meta, passages in zip(table.metas, table.ranges(), strict=True):
        if not passages:
            continue
        text = texts[meta.file]
        first, stop = int(table.passages[passages.start, 3]), int(table.passages[passages[-1], 4])
        for batch in range(first, stop, BATCH_SENTENCES):
            rows = spans[batch : min(stop, batch + BATCH_SENTENCES)].tolist()
            ids, counts = batch_ids([text[s:e] for s, e in rows], token_ids, analyzer)
            sentence_ids.frombytes(ids.tobytes())
            sentence_lengths.frombytes(counts.astype(np.int64).tobytes())
            bar.update(len(rows))
    bar.close()
    heading_tokens, heading_counts = batch_ids(table.headings, token_ids, analyzer)
    sentence_tokens = np.frombuffer(sentence_ids, dtype=np.int32)
    sentence_counts = np.frombuffer(sentence_lengths, dtype=np.int64)
    heading_counts = heading_counts.astype(np.int64)
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
    del sentence_ids
    scorer = _scorer(
        terms, table, sentence_tokens, sentence_counts, heading_tokens, heading_counts, params
    )
    return IndexParts(
        scorer,
        term_rows(sentence_tokens, sentence_counts),
        term_rows(heading_tokens, heading_counts),
    )


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
