"""The BM25 retriever over passages, built from an ingested corpus.

Variant and parameters were chosen on the XQuAD benchmark (benchmarks/xquad.py): BM25Okapi
with k1=1.2, b=0.75. Okapi's IDF goes to zero for a term in half the passages and to a floor of
0.25 × mean IDF above that; with the few dozen passages of a small corpus this mostly hits
glue words like "police" in a police story, which is what a floor should do.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from rank_bm25 import BM25Okapi

from index.analyzer import Analyzer, mine_acronyms, mine_initialisms
from index.ingest import Corpus
from index.models import Document, Passage


class BM25Params(BaseModel):
    """BM25Okapi's parameters, recorded in the saved index."""

    k1: float = 1.2
    b: float = 0.75
    epsilon: float = 0.25


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
        self.vocabulary = {t for terms in self.passage_terms for t in terms}
        self._bm25 = BM25Okapi(
            self.passage_terms or [[]],
            k1=self.params.k1,
            b=self.params.b,
            epsilon=self.params.epsilon,
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
        """The `k` best passages, ties broken by passage order; passages scoring 0 are left out."""
        known = [t for t in terms if t in self.vocabulary]
        if not known or not self.passages:
            return []
        scores = self._bm25.get_scores(known)
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
        return [Hit(i, float(scores[i])) for i in order if scores[i] > 0]


def build_analyzer(corpus: Corpus) -> Analyzer:
    """An analyzer that knows the acronyms the sources spell out."""
    texts = list(corpus.texts.values())
    return Analyzer({**mine_initialisms(texts), **mine_acronyms(texts)})
