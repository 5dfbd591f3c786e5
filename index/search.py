"""The BM25 retriever over passages, built from an ingested corpus or loaded from a saved index.

Variant and parameters were chosen on the XQuAD benchmark (benchmarks/xquad.py): BM25Okapi
with k1=1.2, b=0.75. Okapi's IDF goes to zero for a term in half the passages and to a floor of
0.25 × mean IDF above that; with the few dozen passages of a small corpus this mostly hits
glue words like "police" in a police story, which is what a floor should do. Scores are
rank_bm25's to the bit, computed from an inverted index (index/scorer.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cached_property

from index.analyzer import Analyzer, mine_acronyms, mine_initialisms
from index.ingest import Corpus
from index.models import Document, SourceMeta
from index.passage_table import PassageTable
from index.scorer import BM25Index, BM25Params, Hit

__all__ = ["BM25Params", "Hit", "Retriever", "SourceEntry", "analyze_passages", "build_analyzer"]


@dataclass(frozen=True)
class SourceEntry:
    """One indexed source: what to cite it as, its checksum, and which passage ids are its."""

    meta: SourceMeta
    sha256: str
    passages: range


class Retriever:
    """Passages of every document, an analyzer tuned to them, and a BM25 scorer over them."""

    def __init__(
        self,
        corpus: Corpus,
        passage_terms: list[list[str]] | None = None,
        analyzer: Analyzer | None = None,
        params: BM25Params | None = None,
        progress: bool = False,
    ) -> None:
        """Build from a corpus; `passage_terms` skips the analyzer when terms are known."""
        params = params or BM25Params()
        analyzer = analyzer or build_analyzer(corpus)
        table = PassageTable.from_documents(corpus.documents)
        terms = passage_terms or analyze_passages(corpus, analyzer)
        self._attach(
            corpus.texts,
            [d.sha256 for d in corpus.documents],
            [d.meta for d in corpus.documents],
            table,
            BM25Index.build(terms, params, progress, total=len(table)),
            analyzer,
            params,
        )
        self.__dict__["corpus"] = corpus

    @classmethod
    def from_index(
        cls,
        texts: dict[str, str],
        metas: list[SourceMeta],
        checksums: list[str],
        table: PassageTable,
        scorer: BM25Index,
        analyzer: Analyzer,
        params: BM25Params,
    ) -> Retriever:
        """Assemble from saved parts without re-reading any passage (see index/store.py)."""
        retriever = cls.__new__(cls)
        retriever._attach(texts, checksums, metas, table, scorer, analyzer, params)
        return retriever

    def _attach(
        self,
        texts: dict[str, str],
        checksums: list[str],
        metas: list[SourceMeta],
        table: PassageTable,
        scorer: BM25Index,
        analyzer: Analyzer,
        params: BM25Params,
    ) -> None:
        self.texts = texts
        self.table = table
        self.scorer = scorer
        self.analyzer = analyzer
        self.params = params
        self.documents: dict[str, SourceEntry] = {
            meta.file: SourceEntry(meta, sha, ids)
            for meta, sha, ids in zip(metas, checksums, table.ranges(), strict=True)
        }

    @property
    def passages(self) -> PassageTable:
        """All passages, source by source; `passages[i]` is built on demand."""
        return self.table

    @property
    def vocabulary(self) -> Collection[str]:
        return self.scorer.terms.keys()

    @cached_property
    def corpus(self) -> Corpus:
        """The whole corpus as pydantic objects: slow at scale, for tools rather than answers."""
        documents = [
            Document(
                meta=entry.meta,
                sha256=entry.sha256,
                chrome=self.table.chrome_of(i),
                passages=self.table[entry.passages.start : entry.passages.stop],
            )
            for i, entry in enumerate(self.documents.values())
        ]
        return Corpus(documents=documents, texts=self.texts)

    def text(self, source: str) -> str:
        return self.texts[source]

    def idf(self, term: str) -> float:
        return self.scorer.term_idf(term)

    def search(self, terms: list[str], k: int) -> list[Hit]:
        """The `k` best passages, ties broken by passage order; passages scoring 0 are left out."""
        return self.scorer.top(terms, k)


def analyze_passages(corpus: Corpus, analyzer: Analyzer) -> Iterator[list[str]]:
    """Index terms of each passage: its heading and its sentences (chrome between is left out)."""
    for document in corpus.documents:
        text = corpus.texts[document.meta.file]
        for passage in document.passages:
            body = " ".join(text[s.start : s.end] for s in passage.sentences)
            yield analyzer.terms(f"{passage.heading or ''} {body}")


def build_analyzer(corpus: Corpus) -> Analyzer:
    """An analyzer that knows the acronyms the sources spell out."""
    texts = list(corpus.texts.values())
    return Analyzer({**mine_initialisms(texts), **mine_acronyms(texts)})
