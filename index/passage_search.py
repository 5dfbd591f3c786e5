"""What the answering core reads of an index, and nothing more: one protocol, so that another
backend (PostgreSQL full text, OpenSearch, a vector store) is one class that implements it.

The core asks in the index's own terms (passage ids, sentence ids, term ids) and gets plain
values back; it never reads an array by column position, so the index's layout
(index/passage_table.py) can change without it. `index.search.Retriever` implements it over
the saved BM25 index, with the sentence vectors of semantic mode when it has them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Protocol

from index.analyzer import Analyzer
from index.models import Passage
from index.scorer import Hit
from index.source_text import Text

if TYPE_CHECKING:
    import numpy as np

    from index.encoder import Encoder
    from index.search import SourceEntry


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
