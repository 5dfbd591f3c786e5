"""The BM25 retriever over passages, built from an ingested corpus or loaded from a saved index.

Variant: BM25Plus (k1=1.2, b=0.75, delta=1), measured against BM25Okapi and BM25L on XQuAD
(benchmarks/xquad.py, 1,190 questions): Plus and Okapi tie (first quote holds the answer for
0.808 vs 0.807; best passage holds it for 0.891 each), BM25L trails (0.794, passage 0.703). The
tie goes to Plus because Okapi's IDF, log((N - df + 0.5) / (df + 0.5)), is zero for a term in
half the passages and negative above that, floored at 0.25 × the mean IDF: in a corpus of one
or two short documents the mean itself is zero or negative, and nothing scores at all. Plus's
IDF, log((N + 1) / df), is positive for every term. Its delta adds idf × delta for every query
term to every passage alike, so only passages holding a query term are returned.

Scores are rank_bm25's to the bit, computed from an inverted index (index/scorer.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from index.analyzer import Analyzer
from index.builder import index_table, passage_analysis
from index.ingest import Corpus
from index.models import Chrome, Document, FaqEntry, Passage, SourceMeta, Table
from index.passage_search import VectorIndex, WordIndex
from index.passage_table import NO_HEADING, P_FIRST, P_HEADING, P_SOURCE, P_STOP, PassageTable
from index.scorer import BM25Params, Hit
from index.sentence_terms import TermRows
from index.source_text import Text

if TYPE_CHECKING:  # the lexical mode never imports the encoder
    import numpy as np

    from index.encoder import Encoder

__all__ = ["BM25Params", "Hit", "Retriever", "SourceEntry", "analyze_passages", "build_analyzer"]


@dataclass(frozen=True)
class SourceEntry:
    """One indexed source: what to cite it as, its checksum, and which passage ids are its."""

    meta: SourceMeta
    sha256: str
    chrome: list[Chrome]
    passages: range
    tables: list[Table]
    faqs: list[FaqEntry]


class Retriever:
    """Passages of every document, an analyzer tuned to them, and a BM25 scorer over them;
    built from a corpus, or assembled from a saved index by `from_index`."""

    # What the build skipped and why (shown once, when it is built); a saved index has none.
    warnings: Sequence[str] = ()

    def __init__(
        self,
        corpus: Corpus,
        analyzer: Analyzer | None = None,
        params: BM25Params | None = None,
        progress: bool = False,
    ) -> None:
        """Build from a corpus of pydantic documents, for tools and tests (`index/store.py`
        builds from the sources without them): analyze every passage, index the terms."""
        analyzer = analyzer or build_analyzer(corpus)
        table = PassageTable.from_documents(corpus.documents)
        parts = index_table(table, corpus.texts, analyzer, params or BM25Params(), progress)
        self._attach(
            corpus.texts, table, parts.scorer, analyzer, parts.sentence_terms, parts.heading_terms
        )
        self.warnings = list(corpus.warnings)
        self.__dict__["corpus"] = corpus  # the cached `corpus`: the one it was built from

    @classmethod
    def from_index(
        cls,
        texts: Mapping[str, Text],
        table: PassageTable,
        scorer: WordIndex,
        analyzer: Analyzer,
        sentence_terms: TermRows,
        heading_terms: TermRows,
    ) -> Retriever:
        """Assemble from saved parts without re-reading any passage (see index/store.py)."""
        retriever = cls.__new__(cls)
        retriever._attach(texts, table, scorer, analyzer, sentence_terms, heading_terms)
        return retriever

    def _attach(
        self,
        texts: Mapping[str, Text],
        table: PassageTable,
        scorer: WordIndex,
        analyzer: Analyzer,
        sentence_terms: TermRows,
        heading_terms: TermRows,
    ) -> None:
        self.texts = texts
        self.table = table
        self.scorer = scorer
        self.analyzer = analyzer
        # Row i: sentence i of `table.sentences` (heading j of `table.headings`), as term ids.
        self.sentence_terms = sentence_terms
        self.heading_terms = heading_terms
        # Semantic mode (see attach_vectors); both None in lexical mode.
        self.vectors: VectorIndex | None = None
        self.encoder: Encoder | None = None
        self.vector_cache: Path | None = None
        """The vector cache of the index's folder, for `CachedEncoding` (None: none kept)."""
        self.documents: dict[str, SourceEntry] = {
            meta.file: SourceEntry(meta, sha, chrome, ids, tables, faqs)
            for meta, sha, chrome, ids, tables, faqs in zip(
                table.metas,
                table.checksums,
                table.chrome_by_source(),
                table.ranges(),
                table.tables,
                table.faqs,
                strict=True,
            )
        }

    @property
    def passages(self) -> PassageTable:
        """All passages, source by source; `passages[i]` is built on demand."""
        return self.table

    @property
    def vocabulary(self) -> Collection[str]:
        return self.scorer.terms.keys()

    @cached_property
    def term_names(self) -> list[str]:
        """Each term id's term (ids are given in order of first appearance)."""
        return list(self.scorer.terms)

    @cached_property
    def corpus(self) -> Corpus:
        """The whole corpus as pydantic objects: slow at scale, for tools rather than answers."""
        documents = [
            Document(
                meta=entry.meta,
                sha256=entry.sha256,
                chrome=entry.chrome,
                passages=self.table[entry.passages.start : entry.passages.stop],
                tables=entry.tables,
                faqs=entry.faqs,
            )
            for entry in self.documents.values()
        ]
        texts = {name: str(text) for name, text in self.texts.items()}  # decoded whole
        return Corpus(documents=documents, texts=texts)

    def text(self, source: str) -> Text:
        """A source's text: slice it for quotes, `index.source_text.line_at` for lines."""
        return self.texts[source]

    def idf(self, term: str) -> float:
        return self.scorer.term_idf(term)

    def attach_vectors(self, vectors: VectorIndex, encoder: Encoder) -> None:
        """Semantic mode: a vector per sentence, and the encoder that made them (use it for
        queries: vectors of another model are not comparable)."""
        if len(vectors) != len(self.table.sentences) or vectors.model != encoder.fingerprint:
            raise ValueError("sentence vectors do not match this index and encoder")
        self.vectors, self.encoder = vectors, encoder

    def nearest(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` sentences nearest a unit query vector (`encoder.encode_query`): (sentence
        id, cosine), best first. Empty in lexical mode. `passage_of` maps ids to passages."""
        return [] if self.vectors is None else self.vectors.nearest(query_vector, k)

    def passage_of(self, sentence_ids: list[int] | np.ndarray) -> np.ndarray:
        """The passage id of each sentence id."""
        return self.table.passage_of(sentence_ids)

    def search(self, terms: list[str], k: int) -> list[Hit]:
        """The `k` best passages holding a query term, ties broken by passage order; any scoring
        0 or less (Okapi's floor can make scores negative) are left out."""
        return self.scorer.top(terms, k)

    # --- index.passage_search.PassageSearch: what answering reads, by id, never by column

    @property
    def semantic(self) -> bool:
        return self.vectors is not None

    def passage_count(self) -> int:
        return len(self.table)

    def term_id(self, term: str) -> int | None:
        return self.scorer.terms.get(term)

    def term_name(self, term_id: int) -> str:
        return self.term_names[term_id]

    def bm25(self, terms: list[str]) -> np.ndarray:
        return self.scorer.scores(terms)

    def passage(self, pid: int) -> Passage:
        return self.table[pid]

    def source_of(self, pid: int) -> str:
        return self.table.metas[int(self.table.passages[pid, P_SOURCE])].file

    def sentence_ids(self, pid: int) -> range:
        return range(int(self.table.passages[pid, P_FIRST]), int(self.table.passages[pid, P_STOP]))

    def terms_of_sentence(self, sid: int) -> dict[int, int]:
        return self.sentence_terms.row(sid)

    def heading_terms_of(self, pid: int) -> dict[int, int]:
        heading = int(self.table.passages[pid, P_HEADING])
        return {} if heading == NO_HEADING else self.heading_terms.row(heading)

    def cosines(self, query_vector: np.ndarray) -> np.ndarray:
        assert self.vectors is not None, "cosines need sentence vectors (semantic mode)"
        return self.vectors.cosines(query_vector)

    def sentence_vectors(self, ids: np.ndarray) -> np.ndarray:
        assert self.vectors is not None, "sentence vectors exist in semantic mode only"
        return self.vectors.get(ids)

    def expect_many_queries(self) -> None:
        self.scorer.expect_many_queries()


def analyze_passages(corpus: Corpus, analyzer: Analyzer) -> Iterator[list[str]]:
    """Index terms of each passage, as the index counts them: its heading's, then its
    sentences' (for peers in the benchmarks, which take term lists)."""
    table = PassageTable.from_documents(corpus.documents)
    for _, heading, sentences in passage_analysis(table, corpus.texts, analyzer):
        yield [*heading, *(term for terms in sentences for term in terms)]


def build_analyzer(corpus: Corpus) -> Analyzer:
    """An analyzer that knows the acronyms the sources spell out."""
    return Analyzer.mined(list(corpus.texts.values()))
