"""Exact top-k for index/scorer.py: a dense accumulator, then the k best of the passages that
can still make it, compiled.

A query of a few common words touches a quarter of 100k passages. Pruning term by term
(MaxScore over block bounds, this kernel's first form) read only a sixth of those postings,
yet was slower than reading them all: every posting went through a passage -> candidate table
and an unpredictable branch, and the k-th best was recomputed over thousands of candidates.
Adding every posting into an array indexed by passage, with no branch, costs about 1.4 ns a
posting; so every posting is read once, and the bounds only decide which passages are looked at
afterwards:

1. Accumulate. Each query term's postings add its *excess* (what holding the term adds over
   lacking it: weight - idf × delta for BM25Plus, the weight for Okapi; × the term's repeats)
   into `acc`, indexed by passage. `stamp` says which entries belong to this query (an epoch
   that changes every query), so no entry is cleared: an entry not stamped with this query's
   epoch starts again from 0.
2. Select. Terms are taken in order of falling bound (the largest excess of any of their
   blocks; rare terms first), each passage at the first of them that holds it (its stamp then
   says so). The k largest sums seen so far are kept in a heap; a passage is kept as a
   candidate while its sum is within 2 margins of the heap's smallest. Once the terms still to
   take could not lift a passage that holds none of the terms taken so far to the heap's
   smallest (the sum of their bounds), the rest are not read again: passages holding only those
   terms cannot make the top k.
3. Score. The candidates within 2 margins of the final k-th best sum get their exact score,
   term by term in query order as rank_bm25 adds it (their postings looked up again by a search
   over block ends: a few dozen passages), and the k best above 0, ties by passage order, are
   returned.

Exactness: sums of excesses in another order differ from rank_bm25's sum minus what every
passage gets by rounding only, far below `margin` (a share of the largest size the query's sum
could reach). A passage in the true top k has an exact score at least the k-th best exact
score, so its sum is at least the k-th best sum less 2 margins: it is always a candidate. The
scores returned are computed as rank_bm25 computes them, so they are the same to the bit.

Compiled with numba (cache=True: compiled once per machine, then loaded from the cache) because
in NumPy each step is a few calls per term over arrays of thousands (see the README's
Performance section for the figures).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_jit = njit(cache=True, nogil=True)
# Epochs in `stamp` (uint8): odd for "accumulated by this query", the next even number for
# "already looked at by this query's selection"; after the last pair the stamps are cleared.
_LAST_EPOCH = 255


@_jit
def _worse(s1: float, d1: int, s2: float, d2: int) -> bool:
    """Ranks below: a lower score, or the same score for a later passage."""
    return s1 < s2 or (s1 == s2 and d1 > d2)


@_jit
def _push(heap: np.ndarray, size: int, k: int, x: float) -> int:
    """Keep the k largest values seen in a min-heap; returns the new size."""
    if size < k:
        j = size
        while j > 0 and heap[(j - 1) // 2] > x:
            heap[j] = heap[(j - 1) // 2]
            j = (j - 1) // 2
        heap[j] = x
        return size + 1
    if x > heap[0]:
        j = 0
        while 2 * j + 1 < k:
            c = 2 * j + 1
            if c + 1 < k and heap[c + 1] < heap[c]:
                c += 1
            if heap[c] >= x:
                break
            heap[j] = heap[c]
            j = c
        heap[j] = x
    return size


@_jit
def _offer(
    out_docs: np.ndarray, out_scores: np.ndarray, size: int, k: int, score: float, d: int
) -> int:
    """Keep the k best (score, passage) pairs in a heap whose root ranks lowest; returns the
    new size."""
    if size == k and not _worse(out_scores[0], out_docs[0], score, d):
        return size
    if size < k:
        j = size
        while j > 0 and _worse(score, d, out_scores[(j - 1) // 2], out_docs[(j - 1) // 2]):
            out_scores[j], out_docs[j] = out_scores[(j - 1) // 2], out_docs[(j - 1) // 2]
            j = (j - 1) // 2
        out_scores[j], out_docs[j] = score, d
        return size + 1
    j = 0  # replace the root and sift down
    while 2 * j + 1 < size:
        c = 2 * j + 1
        if c + 1 < size and _worse(out_scores[c + 1], out_docs[c + 1], out_scores[c], out_docs[c]):
            c += 1
        if not _worse(out_scores[c], out_docs[c], score, d):
            break
        out_scores[j], out_docs[j] = out_scores[c], out_docs[c]
        j = c
    out_scores[j], out_docs[j] = score, d
    return size


@_jit
def _best_first(out_docs: np.ndarray, out_scores: np.ndarray, size: int) -> None:
    """The heap of `_offer` in best-first order (k is small: insertion sort)."""
    for i in range(1, size):
        score, d = out_scores[i], out_docs[i]
        j = i - 1
        while j >= 0 and _worse(out_scores[j], out_docs[j], score, d):
            out_scores[j + 1], out_docs[j + 1] = out_scores[j], out_docs[j]
            j -= 1
        out_scores[j + 1], out_docs[j + 1] = score, d


@_jit
def _last(docs: np.ndarray, start: int, end: int, block: int, b: int) -> int:
    """The passage of block b's last posting."""
    return docs[min(start + (b + 1) * block, end) - 1]


@_jit
def _find_block(docs: np.ndarray, start: int, end: int, block: int, d: int) -> int:
    """The first block whose last posting is at or after passage d, or the number of blocks:
    a binary search over block ends, which reads one posting per step."""
    lo, hi = 0, (end - start + block - 1) // block
    while lo < hi:
        mid = (lo + hi) // 2
        if _last(docs, start, end, block, mid) < d:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_jit
def _in_block(docs: np.ndarray, start: int, end: int, block: int, b: int, d: int) -> int:
    """The posting of passage d in block b, or -1."""
    lo, hi = start + b * block, min(start + (b + 1) * block, end)
    last = hi
    while lo < hi:
        mid = (lo + hi) // 2
        if docs[mid] < d:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < last and docs[lo] == d else -1


@_jit
def _exact(
    docs: np.ndarray,
    weights: np.ndarray,
    offsets: np.ndarray,
    term: np.ndarray,
    distinct: np.ndarray,
    block: int,
    d: int,
    absent: np.ndarray,
    found: np.ndarray,
) -> float:
    """Passage d's score as rank_bm25 adds it, term by term in query order. Its postings are
    looked up (distinct term i is term[i]; query position j holds distinct[j]) rather than kept
    for every passage: only a few dozen passages are scored. `found` is room for one posting
    per distinct term."""
    for i in range(len(term)):
        t = term[i]
        start, end = offsets[t], offsets[t + 1]
        b = _find_block(docs, start, end, block, d)
        found[i] = _in_block(docs, start, end, block, b, d) if start + b * block < end else -1
    score = 0.0
    for j in range(len(distinct)):
        p = found[distinct[j]]
        score += weights[p] if p >= 0 else absent[j]
    return score


@_jit
def top_k(
    docs: np.ndarray,
    weights: np.ndarray,
    offsets: np.ndarray,
    term_bounds: np.ndarray,
    block: int,
    idf: np.ndarray,
    plus: bool,
    delta: float,
    k1: float,
    margin: float,
    qtids: np.ndarray,
    k: int,
    acc: np.ndarray,
    stamp: np.ndarray,
    clock: np.ndarray,
    cand: np.ndarray,
    value: np.ndarray,
    out_docs: np.ndarray,
    out_scores: np.ndarray,
) -> int:
    """The k best passages holding one of the query's terms (qtids, repeats kept) and scoring
    above 0, into out_docs and out_scores best first; returns how many, or -1 for a posting
    outside the passages.

    `term_bounds` holds each term's largest excess; `block` is the postings' block size (for
    the searches over block ends). `plus` and `delta` say what a term gives a passage without
    it (idf × delta, or 0); `margin` × the largest possible size of the query's sum is the
    allowance for rounding. The caller owns the scratch, kept between queries so that none is
    allocated and faulted in each time: per passage acc (float64), stamp (uint8, all 0 at
    first), cand (int32) and value (float64); clock (one int64, 0 at first) is the last epoch.
    """
    nq, n_docs = len(qtids), len(acc)
    if k <= 0 or nq == 0:
        return 0
    # Per query position: what a passage without the term gets (rank_bm25's idf × delta, the
    # same product as BM25Index._absent).
    absent = np.zeros(nq, np.float64)
    size = 0.0
    for j in range(nq):
        w = idf[qtids[j]]
        if plus:
            absent[j] = w * delta
        size += abs(w) * (delta + k1 + 1)  # no contribution, held or not, is larger
    margin *= size
    # Distinct terms (index i), their repeats, and the distinct term of each query position.
    term = np.empty(nq, np.int64)
    count = np.zeros(nq, np.int64)
    distinct = np.empty(nq, np.int64)
    m = 0
    for j in range(nq):
        i = 0
        while i < m and term[i] != qtids[j]:
            i += 1
        if i == m:
            term[m] = qtids[j]
            m += 1
        count[i] += 1
        distinct[j] = i
    term = term[:m]
    ab = np.zeros(m, np.float64)
    for j in range(nq):
        ab[distinct[j]] = absent[j]
    accumulated = clock[0] + 1
    if accumulated + 1 > _LAST_EPOCH:
        stamp[:] = 0
        accumulated = 1
    selected = accumulated + 1
    clock[0] = selected
    # 1. Every posting adds its excess; an entry not stamped by this query starts from 0.
    for i in range(m):
        t, c, a = term[i], count[i], ab[i]
        for p in range(offsets[t], offsets[t + 1]):
            d = docs[p]
            if d < 0 or d >= n_docs:
                return -1
            old = acc[d]
            acc[d] = (old if stamp[d] == accumulated else 0.0) + c * (weights[p] - a)
            stamp[d] = accumulated
    # 2. Terms by falling bound; rest[r] bounds what terms r and later can add.
    bound = np.empty(m, np.float64)
    for i in range(m):
        bound[i] = count[i] * term_bounds[term[i]]
    order = np.argsort(-bound, kind="mergesort")
    rest = np.zeros(m + 1, np.float64)
    for r in range(m - 1, -1, -1):
        rest[r] = rest[r + 1] + bound[order[r]]
    heap = np.empty(k, np.float64)
    filled = 0
    n = 0
    keep = -np.inf  # a sum below this cannot be in the top k
    for r in range(m):
        # The heap holds k passages' final sums; a passage not yet seen sums to at most rest[r].
        if filled == k and rest[r] + 4 * margin < heap[0]:
            break
        t = term[order[r]]
        for p in range(offsets[t], offsets[t + 1]):
            d = docs[p]
            v = acc[d]
            first = stamp[d] == accumulated
            stamp[d] = selected
            if first & (v >= keep):  # `&`, not `and`: no branch on the often-false first test
                cand[n] = d
                value[n] = v
                n += 1
                filled = _push(heap, filled, k, v)
                if filled == k:
                    keep = heap[0] - 2 * margin
    # 3. Exact scores of the candidates still within reach; the k best above 0.
    found = np.empty(m, np.int64)
    size = 0
    for s in range(n):
        if value[s] >= keep:
            d = cand[s]
            score = _exact(docs, weights, offsets, term, distinct, block, d, absent, found)
            if score > 0:
                size = _offer(out_docs, out_scores, size, k, score, d)
    _best_first(out_docs, out_scores, size)
    return size
