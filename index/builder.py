"""The index's build: sources in, the arrays the saved index holds out, with no per-passage
pydantic object and no per-token Python loop.

Two passes. Ingestion takes one source at a time (its lines, layout and chrome are dropped
before the next) and keeps only integer rows of passages and sentences (index/passage_table.py).
Acronyms are then mined from the kept texts, since every sentence's analysis needs them.
Analysis then walks the passages in order: each sentence's terms become term ids through a
vocabulary that gives a new term the next id (the ids of `BM25Index.build`: first appearance,
a passage's heading before its sentences), appended to one flat array. Postings and the
sentence and heading term rows come out of that array with one sort each (`count_pairs`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from index.analyzer import Analyzer
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


class _Vocabulary(dict[str, int]):
    """Term → id, a new term getting the next id, so that `map(vocabulary.__getitem__, terms)`
    interns a sentence's terms at C speed."""

    def __missing__(self, term: str) -> int:
        self[term] = len(self)
        return self[term]


def index_table(
    table: PassageTable,
    texts: dict[str, str],
    analyzer: Analyzer,
    params: BM25Params,
    progress: bool = False,
) -> IndexParts:
    """Analyze every passage of `table` and index its terms (a passage's terms are its
    heading's and its sentences')."""
    vocabulary = _Vocabulary()
    intern = vocabulary.__getitem__
    sentence_ids, sentence_lengths = array("i"), array("q")
    heading_ids, heading_lengths = array("i"), array("q")
    analysis = tqdm(
        passage_analysis(table, texts, analyzer),
        "indexing",
        len(table),
        unit=" passages",
        delay=1.0,
        disable=not progress,
    )
    for heading, heading_terms, sentences in analysis:
        if heading == len(heading_lengths):  # headings are numbered in order of first use
            heading_ids.extend(map(intern, heading_terms))
            heading_lengths.append(len(heading_terms))
        for terms in sentences:
            sentence_ids.extend(map(intern, terms))
            sentence_lengths.append(len(terms))
    sentence_tokens = np.frombuffer(sentence_ids, dtype=np.int32)
    sentence_counts = np.frombuffer(sentence_lengths, dtype=np.int64)
    heading_tokens = np.frombuffer(heading_ids, dtype=np.int32)
    heading_counts = np.frombuffer(heading_lengths, dtype=np.int64)
    scorer = _scorer(
        vocabulary, table, sentence_tokens, sentence_counts, heading_tokens, heading_counts, params
    )
    return IndexParts(
        scorer,
        term_rows(sentence_tokens, sentence_counts),
        term_rows(heading_tokens, heading_counts),
    )


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
