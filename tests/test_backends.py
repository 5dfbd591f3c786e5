"""Another backend is one class: a word index or a vector index swapped in behind the
protocols of index/passage_search.py answers as the shipped ones do."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from rank_bm25 import BM25Plus

from bot.core.engine import Engine
from bot.evaluate import load_eval
from bot.models import Answer
from index.passage_search import VectorIndex, WordIndex
from index.scorer import Hit
from index.search import Retriever, analyze_passages
from tests.paths import ROOT


class RankBM25Words:
    """rank_bm25 itself as the word index: every passage's term list, scored by `BM25Plus`,
    for the index's own term ids."""

    def __init__(self, retriever: Retriever) -> None:
        params = retriever.scorer.params  # the shipped index's, for the same scores
        passages = list(analyze_passages(retriever.corpus, retriever.analyzer))
        self._passages = [set(terms) for terms in passages]
        self._bm25 = BM25Plus(passages, k1=params.k1, b=params.b, delta=params.delta)
        self.terms = retriever.scorer.terms

    def term_idf(self, term: str) -> float:
        return float(self._bm25.idf.get(term, 0.0))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        return self._bm25.get_scores([t for t in query if t in self.terms])

    def top(self, query: Sequence[str], k: int) -> list[Hit]:
        scores = self.scores(query)
        holding = [i for i, terms in enumerate(self._passages) if terms & set(query)]
        ranked = sorted((i for i in holding if scores[i] > 0), key=lambda i: (-scores[i], i))
        return [Hit(i, float(scores[i])) for i in ranked[:k]]

    def expect_many_queries(self) -> None:
        return None


class FloatVectors:
    """A vector index of float32 rows, scanned exactly (no int8 codes)."""

    def __init__(self, rows: np.ndarray, model: str) -> None:
        self.rows, self.model = rows.astype(np.float32), model

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        return self.rows[np.asarray(ids, dtype=np.int64)]

    def cosines(self, query: np.ndarray) -> np.ndarray:
        return self.rows @ np.asarray(query, dtype=np.float32)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        scores = self.cosines(query)
        top = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
        return [(i, float(scores[i])) for i in top]


def _swapped(engine: Engine, words: WordIndex | None, vectors: VectorIndex | None) -> Engine:
    """The engine over the same passages with `words` and/or `vectors` in place of its own."""
    r = engine.retriever
    assert isinstance(r, Retriever)
    other = Retriever.from_index(
        r.texts, r.table, words or r.scorer, r.analyzer, r.sentence_terms, r.heading_terms
    )
    if r.vectors is not None and r.encoder is not None:
        other.attach_vectors(vectors or r.vectors, r.encoder)
    return Engine(other, engine.config, engine.facts)


def _questions() -> list[str]:
    return [item.question for item in load_eval(ROOT / "tests" / "questions.jsonl")]


def _shown(answer: Answer) -> tuple[str, list[tuple[str, int, int]]]:
    return answer.status, [(s.source, s.start, s.end) for s in answer.snippets]


@pytest.mark.parametrize("mode", ["engine", "semantic_engine"])
def test_rank_bm25_as_the_word_index_answers_as_the_shipped_one(
    mode: str, request: pytest.FixtureRequest
) -> None:
    engine: Engine = request.getfixturevalue(mode)
    assert isinstance(engine.retriever, Retriever)
    other = _swapped(engine, RankBM25Words(engine.retriever), None)
    for question in _questions():
        assert _shown(other.ask(question)) == _shown(engine.ask(question)), question


def test_float_vectors_as_the_vector_index_answer_as_the_shipped_ones(
    semantic_engine: Engine,
) -> None:
    r = semantic_engine.retriever
    assert isinstance(r, Retriever) and r.vectors is not None
    rows = r.vectors.get(np.arange(len(r.vectors)))
    other = _swapped(semantic_engine, None, FloatVectors(rows, r.vectors.model))
    assert isinstance(other.retriever, Retriever)
    assert isinstance(other.retriever.vectors, FloatVectors)
    for question in _questions():
        assert _shown(other.ask(question)) == _shown(semantic_engine.ask(question)), question
