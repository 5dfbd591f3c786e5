"""The BM25 retriever over passages, built from an ingested corpus.

Variant: BM25Plus (k1=1.2, b=0.75, delta=1), measured against BM25Okapi and BM25L on XQuAD
(benchmarks/xquad.py, 1,190 questions): Plus and Okapi tie (first quote holds the answer for
0.808 vs 0.807; best passage holds it for 0.891 each), BM25L trails (0.794, passage 0.703). The
tie goes to Plus because Okapi's IDF, log((N - df + 0.5) / (df + 0.5)), is zero for a term in
half the passages and negative above that, floored at 0.25 × the mean IDF: in a corpus of one
or two short documents the mean itself is zero or negative, and nothing scores at all. Plus's
IDF, log((N + 1) / df), is positive for every term. Its delta adds idf × delta for every query
term to every passage alike, so only passages holding a query term are returned.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from rank_bm25 import BM25Plus

from index.analyzer import Analyzer, mine_acronyms, mine_initialisms
from index.ingest import Corpus
from index.models import Document, Passage


class BM25Params(BaseModel):
    """BM25Plus's parameters, recorded in the saved index."""

    k1: float = 1.2
    b: float = 0.75
    delta: float = 1.0


@dataclass(frozen=True)
class Hit:
    passage: int
    score: float


class Retriever:
    """Passages of every document, an analyzer tuned to them, and a BM25 scorer over them."""

    def __init__(
        self,
        corpus: Corpus,
        passage_terms: list[list[str]] | None = None,
        analyzer: Analyzer | None = None,
        params: BM25Params | None = None,
    ) -> None:
        self.corpus = corpus
        self.params = params or BM25Params()
        self.documents: dict[str, Document] = {d.meta.file: d for d in corpus.documents}
        self.passages: list[Passage] = [p for d in corpus.documents for p in d.passages]
        self.analyzer = analyzer or build_analyzer(corpus)
        self.passage_terms = passage_terms or [self._passage_terms(p) for p in self.passages]
        self._postings: dict[str, list[int]] = {}
        for i, terms in enumerate(self.passage_terms):
            for t in dict.fromkeys(terms):
                self._postings.setdefault(t, []).append(i)
        self.vocabulary = set(self._postings)
        self._bm25 = BM25Plus(
            self.passage_terms or [[]],
            k1=self.params.k1,
            b=self.params.b,
            delta=self.params.delta,
        )

    def _passage_terms(self, passage: Passage) -> list[str]:
        text = self.corpus.texts[passage.source]
        body = " ".join(text[s.start : s.end] for s in passage.sentences)
        return self.analyzer.terms(f"{passage.heading or ''} {body}")

    def text(self, source: str) -> str:
        return self.corpus.texts[source]

    def idf(self, term: str) -> float:
        return float(self._bm25.idf.get(term, 0.0))

    def search(self, terms: list[str], k: int) -> list[Hit]:
        """The `k` best passages holding a query term, ties broken by passage order."""
        known = [t for t in terms if t in self.vocabulary]
        if not known or not self.passages:
            return []
        scores = self._bm25.get_scores(known)
        touched = {i for t in set(known) for i in self._postings[t]}
        order = sorted(touched, key=lambda i: (-scores[i], i))[:k]
        return [Hit(i, float(scores[i])) for i in order]


def build_analyzer(corpus: Corpus) -> Analyzer:
    """An analyzer that knows the acronyms the sources spell out."""
    texts = list(corpus.texts.values())
    return Analyzer({**mine_initialisms(texts), **mine_acronyms(texts)})
