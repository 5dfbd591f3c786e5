"""BM25Okapi over an inverted index in CSR form: rank_bm25's exact scores, touching only postings.

rank_bm25 scores every passage for every query term in Python (154 ms a query at 100k
passages). Here each term owns a slice of two arrays, the passages that hold it and their
finished BM25 contribution, so a query adds up a few slices and picks its top k among the
passages it touched (benchmarks/retrieval.py has the figures).

Exactness: every contribution is computed with rank_bm25's operations in rank_bm25's order
(`idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))`, idf from `math.log`, the
mean IDF summed term by term in first-appearance order), and a passage's score adds the
contributions of the query's terms in query order, as `get_scores` does; the zeros it adds for
passages without a term change no float. The scores are therefore bit-identical, which the
property tests check against rank_bm25 itself.

Precomputing the contributions costs 8 bytes a posting (about 40 MB at 100k passages, mapped
from disk, so only the postings queried become resident) and saves four array operations per
term at query time; the parameters are recorded with the index, which is rebuilt if they change.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel
from tqdm import tqdm


class BM25Params(BaseModel):
    """BM25Okapi's parameters, recorded in the saved index."""

    k1: float = 1.2
    b: float = 0.75
    epsilon: float = 0.25


@dataclass(frozen=True)
class Hit:
    passage: int
    score: float


@dataclass(frozen=True)
class BM25Index:
    """Term ids, IDFs, and per term a CSR slice of (passage id, BM25 contribution) postings.

    `terms` maps a term to its id; ids follow first appearance in the corpus. Postings of a
    term are sorted by passage id; `offsets[t]:offsets[t + 1]` is term t's slice.
    """

    terms: dict[str, int]
    idf: np.ndarray  # float64 [terms]
    offsets: np.ndarray  # int64 [terms + 1]
    docs: np.ndarray  # int32 [postings]
    weights: np.ndarray  # float64 [postings]
    n_docs: int

    @classmethod
    def build(
        cls,
        documents: Iterable[Sequence[str]],
        params: BM25Params,
        progress: bool = False,
        total: int | None = None,
    ) -> BM25Index:
        """Index term lists, streaming: only term ids are kept, never the strings per passage."""
        terms: dict[str, int] = {}
        ids = array("q")
        lengths = array("q")
        intern = terms.setdefault
        for doc in tqdm(
            documents, "indexing", total, unit=" passages", delay=1.0, disable=not progress
        ):
            ids.extend([intern(t, len(terms)) for t in doc])
            lengths.append(len(doc))
        n_docs = len(lengths)
        term_ids = np.frombuffer(ids, dtype=np.int64)
        doc_len = np.frombuffer(lengths, dtype=np.int64)
        doc_ids = np.repeat(np.arange(n_docs, dtype=np.int64), doc_len)
        # One key per (term, passage) pair: sorting groups postings by term, then by passage.
        keys, tf = np.unique(term_ids * max(n_docs, 1) + doc_ids, return_counts=True)
        post_terms, post_docs = np.divmod(keys, max(n_docs, 1))
        df = np.bincount(post_terms, minlength=len(terms))
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        idf = okapi_idf(df.tolist(), n_docs, params.epsilon)
        weights = np.empty(0)
        if n_docs and len(terms):
            avgdl = int(doc_len.sum()) / n_docs
            dl = doc_len[post_docs]
            # rank_bm25's expression, operation for operation (see the module docstring).
            norm = tf * (params.k1 + 1) / (tf + params.k1 * (1 - params.b + params.b * dl / avgdl))
            weights = idf[post_terms] * norm
        return cls(terms, idf, offsets, post_docs.astype(np.int32), weights, n_docs)

    def term_idf(self, term: str) -> float:
        tid = self.terms.get(term)
        return 0.0 if tid is None else float(self.idf[tid])

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every passage's score, as rank_bm25's `get_scores` returns it."""
        docs, weights = self._postings(query)
        return np.bincount(docs, weights=weights, minlength=self.n_docs)

    def top(self, query: Sequence[str], k: int) -> list[Hit]:
        """The `k` best passages scoring above 0, best first, ties broken by passage order."""
        docs, weights = self._postings(query)
        if not len(docs) or k <= 0:
            return []
        # Adding in query order is `get_scores`'s order: bincount sums in input order.
        acc = np.bincount(docs, weights=weights)
        scores = acc[docs]
        keep = scores > 0
        docs, scores = docs[keep], scores[keep]
        # A passage appears once per query term it holds, so the top k * len(query) entries
        # hold at least k distinct passages; every entry tied with the last one comes too.
        room = k * len(query)
        if len(docs) > room:
            threshold = np.partition(scores, len(scores) - room)[len(scores) - room]
            docs = docs[scores >= threshold]
        docs = np.unique(docs)
        scores = acc[docs]
        order = np.lexsort((docs, -scores))[:k]
        return [Hit(int(docs[i]), float(scores[i])) for i in order]

    def _postings(self, query: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Postings of each known query term, in query order (repeats included)."""
        ids = [t for t in map(self.terms.get, query) if t is not None]
        if not ids:
            return np.empty(0, dtype=np.int32), np.empty(0)
        slices = [slice(self.offsets[t], self.offsets[t + 1]) for t in ids]
        if len(slices) == 1:
            return self.docs[slices[0]], self.weights[slices[0]]
        return (
            np.concatenate([self.docs[s] for s in slices]),
            np.concatenate([self.weights[s] for s in slices]),
        )


def okapi_idf(df: list[int], n_docs: int, epsilon: float) -> np.ndarray:
    """rank_bm25's IDF: log(N - df + 0.5) - log(df + 0.5), negatives raised to epsilon × mean.

    A Python loop on purpose: `math.log` and left-to-right summation are what rank_bm25 uses,
    and numpy's log and pairwise sum can differ in the last bit.
    """
    idf = [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df]
    total = 0.0
    for value in idf:
        total += value
    floor = epsilon * (total / len(idf)) if idf else 0.0
    return np.array([floor if value < 0 else value for value in idf], dtype=np.float64)
