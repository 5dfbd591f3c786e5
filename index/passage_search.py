"""What the answering core reads of an index, and nothing more, as protocols, so that another
backend is one class.

`PassageSearch` is what the core asks, in the index's own terms (passage ids, sentence ids,
term ids), getting plain values back; it never reads an array by column position, so the
index's layout (index/passage_table.py) can change without it. `index.search.Retriever`
implements it over the saved index, from two parts that each stand behind a protocol of
their own:

- `WordIndex`, passages found by words: `index.scorer.BM25Index` (rank_bm25's scores over an
  inverted index). PostgreSQL full text or OpenSearch would be another class scoring the
  same passages for the same term ids (`tests/test_backends.py` swaps in rank_bm25 itself).
- `VectorIndex`, sentences found by meaning: `index.vectors.SentenceVectors` (int8 codes,
  exact scan). A vector store would be another class (the test swaps in float vectors).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from index.analyzer import Analyzer
from index.models import Passage
from index.scorer import Hit
from index.source_text import Text

if TYPE_CHECKING:
    import numpy as np

    from index.encoder import Encoder
    from index.search import SourceEntry


class WordIndex(Protocol):
    """Passages scored by words. Term ids are the index's (index/builder.py numbers them, and
    each sentence's and heading's terms are saved by id), so a backend scores the index's
    passages for its terms, whatever it stores."""

    terms: Mapping[str, int]
    """Each index term's id."""

    def term_idf(self, term: str) -> float:
        """The term's IDF (0 for a term no passage holds)."""
        ...

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every passage's score for the query's terms."""
        ...

    def top(self, query: Sequence[str], k: int) -> list[Hit]:
        """The `k` best passages holding a query term and scoring above 0, best first, ties
        broken by passage order."""
        ...

    def expect_many_queries(self) -> None:
        """A long run of queries follows: prepare for it (or do nothing)."""
        ...


class VectorIndex(Protocol):
    """Sentences found by meaning: a unit vector per sentence id, by one encoder."""

    model: str
    """The fingerprint of the encoder that made the vectors: queries must come from it."""

    def __len__(self) -> int: ...
    def get(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The vectors of sentences `ids`, one row each."""
        ...

    def cosines(self, query: np.ndarray) -> np.ndarray:
        """Every sentence's cosine with a unit query vector."""
        ...

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` sentences nearest a unit query vector: (sentence id, cosine), best first."""
        ...


class PassageSearch(Protocol):
    """Passages found by words (BM25) and, in semantic mode, sentences found by meaning, with
    the statistics answering weighs: IDF, each sentence's and heading's terms, cosines."""

    analyzer: Analyzer
    encoder: Encoder | None
    documents: Mapping[str, SourceEntry]

    @property
    def vocabulary(self) -> Collection[str]: ...
    @property
    def semantic(self) -> bool:
        """Whether sentences can be found by meaning (sentence vectors are attached)."""
        ...

    def passage_count(self) -> int: ...
    def text(self, source: str) -> Text: ...
    def idf(self, term: str) -> float: ...
    def term_id(self, term: str) -> int | None: ...
    def term_name(self, term_id: int) -> str: ...

    # --- by words
    def search(self, terms: list[str], k: int) -> list[Hit]:
        """The `k` best passages holding a term, best first."""
        ...

    def bm25(self, terms: list[str]) -> np.ndarray:
        """Every passage's BM25 score for `terms`."""
        ...

    # --- a passage and its parts
    def passage(self, pid: int) -> Passage: ...
    def source_of(self, pid: int) -> str:
        """The file passage `pid` comes from."""
        ...

    def sentence_ids(self, pid: int) -> range:
        """The ids of passage `pid`'s sentences, in order."""
        ...

    def terms_of_sentence(self, sid: int) -> dict[int, int]:
        """Sentence `sid`'s index terms: {term id: count}."""
        ...

    def heading_terms_of(self, pid: int) -> dict[int, int]:
        """The index terms of passage `pid`'s section heading (empty when it has none)."""
        ...

    # --- by meaning (semantic mode)
    def nearest(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]: ...
    def cosines(self, query_vector: np.ndarray) -> np.ndarray:
        """Every sentence's cosine with a unit query vector."""
        ...

    def sentence_vectors(self, ids: np.ndarray) -> np.ndarray: ...
    def passage_of(self, sentence_ids: list[int] | np.ndarray) -> np.ndarray: ...
    def expect_many_queries(self) -> None:
        """A long run of questions follows (a bot, `ask --jsonl`): prepare for it."""
        ...
