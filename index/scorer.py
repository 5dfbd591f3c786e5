"""rank_bm25's BM25Plus and BM25Okapi, to the bit, over an inverted index in CSR form.

rank_bm25 scores every passage for every query term in Python (about 0.2 s a query at 100k
passages). Here each term owns a slice of two arrays, the passages that hold it and their
finished BM25 contribution, plus an upper bound per block of 64 of its postings; `top` adds
every posting into a per-passage array and looks again only at the passages those bounds cannot
rule out (index/topk.py, compiled; NumPy over every posting until the kernel is worth loading),
`scores` every slice of the query (benchmarks/realtext.py has the figures).

Exactness: every contribution is computed with rank_bm25's operations in rank_bm25's order
(Okapi: `idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))`, Plus:
`idf * (delta + tf * (k1 + 1) / (k1 * (1 - b + b * dl / avgdl) + tf))`), IDFs come from
`math.log`, Okapi's mean IDF is summed term by term in first-appearance order, and a passage's
score adds one contribution per query term in query order, as `get_scores` does. A passage
that lacks a query term gets what rank_bm25 gives it: 0 from Okapi, `idf * delta` from Plus.
The scores are therefore bit-identical, which the property tests check against rank_bm25.

Precomputing the contributions costs 8 bytes a posting (about 30 MB at 100k passages, mapped
from disk, so only the postings queried become resident) and saves four array operations per
term at query time; the parameters are recorded with the index, which is rebuilt if they change.
The block bounds add 8 bytes per 64 postings; the kernel uses each term's largest, which only
decides which passages can still make the top k, never a score.
"""

from __future__ import annotations

import math
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Literal, NamedTuple

import numpy as np
from pydantic import BaseModel
from tqdm import tqdm


class BM25Params(BaseModel):
    """The BM25 variant and its parameters, recorded in the saved index."""

    variant: Literal["plus", "okapi"] = "plus"
    k1: float = 1.2
    b: float = 0.75
    delta: float = 1.0  # BM25Plus: every query term adds idf × delta to every passage
    epsilon: float = 0.25  # BM25Okapi: negative IDFs become epsilon × the mean IDF


class Hit(NamedTuple):
    """A retrieved passage and its score; a named tuple, as it is built for every hit."""

    passage: int
    score: float


# A Hit from a (passage, score) pair, without NamedTuple's Python-level __new__: 1.1 µs less
# for 10 hits, against a compiled query of 10-50 µs.
_hit = partial(tuple.__new__, Hit)


BLOCK = 64  # postings per block of upper bounds: saved with the index (FORMAT_VERSION)


def block_offsets(offsets: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Where each term's block bounds start in the flat bounds array (CSR, like `offsets`)."""
    counts = (np.diff(offsets) + block - 1) // block
    starts = np.zeros(len(offsets), dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return starts


def block_bounds(offsets: np.ndarray, excess: np.ndarray, block: int = BLOCK) -> np.ndarray:
    """Each block's largest excess, at least 0, term by term: what the index saves."""
    firsts = block_offsets(offsets, block)
    n_blocks = int(firsts[-1])
    if not n_blocks:
        return np.zeros(0)
    term = np.repeat(np.arange(len(offsets) - 1), np.diff(firsts))
    starts = offsets[:-1][term] + block * (np.arange(n_blocks) - firsts[:-1][term])
    return np.maximum(np.maximum.reduceat(excess, starts), 0.0)


# Bounds are compared allowing this share of the largest size a query's sum could reach: far
# above the rounding of any sum of a few hundred terms, far below a score gap.
MARGIN = 1e-9


@dataclass(frozen=True)
class BM25Index:
    """Term ids, IDFs, and per term a CSR slice of (passage id, BM25 contribution) postings.

    `terms` maps a term to its id; ids follow first appearance in the corpus. Postings of a
    term are sorted by passage id; `offsets[t]:offsets[t + 1]` is term t's slice. `bounds`
    holds, term by term, the largest excess of each block of `block` postings (see
    index/topk.py); saved indexes use the default block.
    """

    params: BM25Params
    terms: dict[str, int]
    idf: np.ndarray  # float64 [terms]
    offsets: np.ndarray  # int64 [terms + 1]
    docs: np.ndarray  # int32 [postings]
    weights: np.ndarray  # float64 [postings]
    n_docs: int
    bounds: np.ndarray  # float64 [blocks]
    block: int = BLOCK

    @classmethod
    def build(
        cls,
        documents: Iterable[Sequence[str]],
        params: BM25Params,
        progress: bool = False,
        total: int | None = None,
        block: int = BLOCK,
    ) -> BM25Index:
        """Index term lists, streaming: only term ids are kept, never the strings per passage."""
        terms: dict[str, int] = {}
        ids = array("i")
        lengths = array("q")
        intern = terms.setdefault
        for doc in tqdm(
            documents, "indexing", total, unit=" passages", delay=1.0, disable=not progress
        ):
            ids.extend([intern(t, len(terms)) for t in doc])
            lengths.append(len(doc))
        doc_len = np.frombuffer(lengths, dtype=np.int64)
        owners = np.repeat(np.arange(len(doc_len), dtype=np.int64), doc_len)
        return cls.from_ids(
            terms, np.frombuffer(ids, dtype=np.int32), owners, doc_len, params, block
        )

    @classmethod
    def from_ids(
        cls,
        terms: dict[str, int],
        ids: np.ndarray,
        owners: np.ndarray,
        doc_len: np.ndarray,
        params: BM25Params,
        block: int = BLOCK,
    ) -> BM25Index:
        """Index passages given as term occurrences, in any order: `ids[i]` occurs in passage
        `owners[i]`; passage p has `doc_len[p]` terms; `terms` maps each term to its id (ids in
        order of first appearance)."""
        n_docs = len(doc_len)
        keys = ids.astype(np.int64)
        keys *= max(n_docs, 1)
        keys += owners
        post_terms, post_docs, tf = count_pairs(keys, max(n_docs, 1))
        del keys
        post_docs = post_docs.astype(np.int32)
        df = np.bincount(post_terms, minlength=len(terms))
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(df, out=offsets[1:])
        idf = _idf(df.tolist(), n_docs, params)
        weights = np.empty(0)
        if len(post_docs):
            avgdl = int(doc_len.sum()) / n_docs
            # rank_bm25's expressions, operation for operation (see the module docstring); the
            # length part is the same for every posting of a passage, so it is computed once.
            norm = (params.k1 * (1 - params.b + params.b * doc_len / avgdl))[post_docs]
            if params.variant == "okapi":
                weights = idf[post_terms] * (tf * (params.k1 + 1) / (tf + norm))
            else:
                weights = idf[post_terms] * (params.delta + (tf * (params.k1 + 1)) / (norm + tf))
        bounds = block_bounds(offsets, weights - _absent_values(idf, params)[post_terms], block)
        return cls(params, terms, idf, offsets, post_docs, weights, n_docs, bounds, block)

    def term_idf(self, term: str) -> float:
        tid = self.terms.get(term)
        return 0.0 if tid is None else float(self.idf[tid])

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every passage's score, as rank_bm25's `get_scores` returns it."""
        tids = self._known(query)
        untouched = 0.0
        for tid in tids:
            untouched += self._absent(tid)
        scores = np.full(self.n_docs, untouched)
        if tids:
            docs, acc = self._touched(tids)
            scores[docs] = acc
        return scores

    def top(self, query: Sequence[str], k: int) -> list[Hit]:
        """The `k` best passages holding a query term and scoring above 0, best first, ties
        broken by passage order, with rank_bm25's exact scores.

        Two exact ways, the same hits: the compiled kernel (index/topk.py), which sums every
        posting into a per-passage array and scores exactly only the passages the term bounds
        leave in reach, and NumPy over every posting of the query's terms.
        Loading the kernel (numba's import, the machine code from its cache) costs 0.4-1.6 s
        on a 2-core machine, far more than a one-shot `python -m bot ask` spends retrieving;
        so NumPy answers until it has spent KERNEL_LOAD_SECONDS, then the kernel is loaded (a
        ski-rental rule: never much more than twice the better choice in hindsight). A
        long-running process can call `use_compiled_top` before it serves.
        """
        tids = self._known(query)
        if not tids or k <= 0:
            return []
        if _compiled.top_k is None and _compiled.numpy_seconds < KERNEL_LOAD_SECONDS:
            started = time.perf_counter()
            hits = self._top_numpy(tids, k)
            _compiled.numpy_seconds += time.perf_counter() - started
            return hits
        return self._top_compiled(tids, k)

    def expect_many_queries(self) -> None:
        """For a process about to answer many queries (the Discord bot, `ask --jsonl`): load
        the compiled kernel now when the index is large enough for it to pay."""
        if self.n_docs >= MANY_QUERIES_MIN_DOCS:
            use_compiled_top()

    def _top_compiled(self, tids: list[int], k: int) -> list[Hit]:
        top_k = _compiled.top_k or use_compiled_top()
        k = min(k, self.n_docs)
        found_docs, found_scores = np.empty(k, dtype=np.int64), np.empty(k)
        ids = np.array(tids, dtype=np.int64)
        p, scratch = self.params, self._scratch
        with scratch.lock:
            found = top_k(
                self.docs, self.weights, self.offsets, self._term_bounds, self.block, self.idf,
                p.variant == "plus", p.delta, p.k1, MARGIN, ids, k, scratch.acc, scratch.stamp,
                scratch.clock, scratch.cand, scratch.value, found_docs, found_scores,
            )  # fmt: skip
        if found < 0:
            raise ValueError("index postings name passages that do not exist")
        pairs = zip(found_docs[:found].tolist(), found_scores[:found].tolist(), strict=True)
        return list(map(_hit, pairs))

    def _top_numpy(self, tids: list[int], k: int) -> list[Hit]:
        """Every passage the query touched, scored; the k best of those above 0."""
        docs, acc = self._touched(tids)
        positive = acc > 0
        if not positive.all():
            docs, acc = docs[positive], acc[positive]
        if len(acc) > k:
            # The k-th best score; every passage tied with it stays in, for the tie-break.
            threshold = -np.partition(-acc, k - 1)[k - 1]
            best = acc >= threshold
            docs, acc = docs[best], acc[best]
        order = np.lexsort((docs, -acc))[:k]
        return [Hit(int(docs[i]), float(acc[i])) for i in order]

    @cached_property
    def _term_bounds(self) -> np.ndarray:
        """Each term's largest block bound: the most holding it adds to a passage's score."""
        firsts = block_offsets(self.offsets, self.block)
        bounds = np.zeros(len(self.idf))
        held = firsts[1:] > firsts[:-1]
        if held.any():
            bounds[held] = np.maximum.reduceat(self.bounds, firsts[:-1][held])
        return bounds

    @cached_property
    def _scratch(self) -> _Scratch:
        return _Scratch(self.n_docs)

    def _touched(self, tids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The passages holding any of the terms, in passage order, and their scores."""
        spans = [self._slice(t) for t in tids]
        if len(spans) == 1:
            return self.docs[spans[0]], self.weights[spans[0]]
        touched = _distinct(np.concatenate([self.docs[span] for span in spans]))
        # Where each touched passage sits in `touched`; other entries are never read.
        position = np.empty(self.n_docs, dtype=np.int32)
        position[touched] = np.arange(len(touched), dtype=np.int32)
        acc = np.zeros(len(touched))
        for tid, span in zip(tids, spans, strict=True):
            # Term by term in query order, as get_scores adds them: a passage holding the term
            # gets its contribution, the others what rank_bm25 gives them (0 or idf × delta).
            at = position[self.docs[span]]
            held = acc[at] + self.weights[span]
            absent = self._absent(tid)
            if absent:
                acc += absent
            acc[at] = held
        return touched, acc

    def _known(self, query: Sequence[str]) -> list[int]:
        """Ids of the query's known terms in query order, repeats kept: each one counts."""
        return [t for t in map(self.terms.get, query) if t is not None]

    def _slice(self, tid: int) -> slice:
        return slice(int(self.offsets[tid]), int(self.offsets[tid + 1]))

    def _absent(self, tid: int) -> float:
        """What a query term adds to a passage without it: rank_bm25's idf × (delta + 0)."""
        return float(self.idf[tid]) * self.params.delta if self.params.variant == "plus" else 0.0


def _absent_values(idf: np.ndarray, params: BM25Params) -> np.ndarray:
    """`_absent` for many terms at once: the same products, to the bit."""
    return idf * params.delta if params.variant == "plus" else np.zeros_like(idf)


# About what loading the compiled kernel costs a fresh process (numba's import and the kernel
# from numba's cache): benchmarks/realtext.py measured 0.4-0.5 s on a quiet 2-core machine,
# 1.0-1.6 s on a busy one.
KERNEL_LOAD_SECONDS = 1.0
# From this many passages a process that will answer many questions loads the kernel before it
# serves: at 100k passages NumPy over every posting costs 0.13 ms an XQuAD question (p50; 0.50
# ms for the sentence-word queries) against the kernel's 0.019 ms (0.057 ms; benchmarks/
# pruning.py), so the first second of NumPy is thousands of questions answered 7-9 times
# slower; at 10k it is a tenth of that, and below, NumPy costs tens of µs and the kernel's
# 65 MB of RSS buys nothing.
MANY_QUERIES_MIN_DOCS = 10_000


class _Compiled:
    """The compiled top-k once loaded, and the time NumPy has spent answering until then."""

    top_k: Callable[..., int] | None = None
    numpy_seconds = 0.0


_compiled = _Compiled()


def use_compiled_top() -> Callable[..., int]:
    """Load the compiled top-k now (about a second; compiling it the first time on a machine
    takes longer), so that every later `top` uses it: for processes that answer many questions
    (the Discord bot, `ask --jsonl`, benchmarks), called before they serve."""
    from index.topk import top_k

    _compiled.top_k = top_k
    return top_k


class _Scratch:
    """Working arrays of the compiled top-k, kept between queries: allocating and faulting in
    a few MB for each query would cost more than the query. One query at a time uses them (the
    Discord bot retrieves from worker threads), under `lock`."""

    def __init__(self, n_docs: int) -> None:
        self.lock = threading.Lock()
        self.acc = np.zeros(n_docs)  # passage -> sum of excesses, valid where stamped
        self.stamp = np.zeros(n_docs, dtype=np.uint8)  # passage -> epoch of its last query
        self.clock = np.zeros(1, dtype=np.int64)  # the last epoch used
        self.cand = np.empty(n_docs, dtype=np.int32)
        self.value = np.empty(n_docs)


def count_pairs(keys: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (major, minor) pairs of int64 `keys` = major × width + minor (every minor
    below `width`), by major then minor, and how often each occurs. Postings are (term,
    passage) pairs of the tokens, sentence rows (sentence, term) pairs.

    `keys` is sorted in place and counted by hand rather than with np.unique, which copies and
    is slow here: this is the build's memory peak, about 20 bytes a token.
    """
    keys.sort()
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    del first
    counts = np.diff(starts, append=len(keys))
    majors, minors = np.divmod(keys[starts], width)
    return majors, minors, counts


def _distinct(ids: np.ndarray) -> np.ndarray:
    """Sorted distinct ids. np.unique would do, but runs 30 times slower on this NumPy build;
    a stable sort is a timsort, which merges the already sorted runs of each term."""
    ids = np.sort(ids, kind="stable")
    first = np.empty(len(ids), dtype=bool)
    first[:1] = True
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    return ids[first]


def _idf(df: list[int], n_docs: int, params: BM25Params) -> np.ndarray:
    """rank_bm25's IDFs. Plus: log((N + 1) / df). Okapi: log(N - df + 0.5) - log(df + 0.5),
    negatives raised to epsilon × the mean.

    A Python loop on purpose: `math.log` and left-to-right summation are what rank_bm25 uses,
    and numpy's log and pairwise sum can differ in the last bit.
    """
    if params.variant == "plus":
        return np.array([math.log((n_docs + 1) / f) for f in df], dtype=np.float64)
    idf = [math.log(n_docs - f + 0.5) - math.log(f + 0.5) for f in df]
    total = 0.0
    for value in idf:
        total += value
    floor = params.epsilon * (total / len(idf)) if idf else 0.0
    return np.array([floor if value < 0 else value for value in idf], dtype=np.float64)
