"""Exact top-k for index/scorer.py: term-at-a-time MaxScore over block upper bounds, compiled.

Reading every posting of every query term costs about 1 ms at 100k passages of real sentences,
where common words hold a quarter of the passages. Most of those postings cannot change the
top k, and upper bounds prove it without reading them:

- Every term's postings are cut into blocks of 64 (index.scorer.BLOCK); the index saves each
  block's largest *excess*, what holding the term adds over lacking it (weight - idf × delta
  for BM25Plus, the weight for Okapi), never below 0. A term's bound is its largest block's.
- Terms are read in order of falling bound (rare terms first). Reading a term's postings makes
  candidates of the passages in it and adds the exact excess to their partial sum.
- tau is a score that k candidates are known to reach: the k-th best of the partial sums,
  plus the least the unread terms can add (below 0 only for Okapi's negative IDFs).
- Once a passage holding none of the terms read so far cannot reach tau (the absent part plus
  the bounds of the unread terms), no new candidate can enter: the remaining terms are only
  looked up for the candidates that can still reach tau (each dropped as soon as it cannot),
  by a search over block ends and a block bound check, or by one pass over a term's postings
  when the candidates are many.
- Bounds only decide what is read and who is dropped. The survivors' scores are computed
  exactly, term by term in query order, as rank_bm25 adds them, so the scores are the same to
  the bit; ties are broken by passage order. Every comparison with tau allows `margin`, far
  above any rounding of a sum of a few dozen terms, so rounding never drops a true hit.

Compiled with numba (cache=True: compiled once per machine, then loaded from the cache) because
the same strategy in NumPy was measured slower than reading every posting: each stage costs a
few NumPy calls per term, and candidates number in the thousands (see the README's Performance
section for the figures).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_jit = njit(cache=True, nogil=True)
# A term is read in one pass rather than searched per candidate when it has at most this many
# postings per candidate still in reach (a search costs a few block ends and a block).
SCAN = 8


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
def _kth_largest(values: np.ndarray, n: int, k: int) -> float:
    """The k-th largest of values[:n] (n >= k)."""
    heap = np.empty(k, np.float64)
    size = 0
    for i in range(n):
        size = _push(heap, size, k, values[i])
    return heap[0]


@_jit
def _kth_largest_of(values: np.ndarray, idx: np.ndarray, n: int, k: int) -> float:
    """The k-th largest of values[idx[:n]] (n >= k)."""
    heap = np.empty(k, np.float64)
    size = 0
    for i in range(n):
        size = _push(heap, size, k, values[idx[i]])
    return heap[0]


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
    order: np.ndarray,
    block: int,
    d: int,
    rank: np.ndarray,
    absent: np.ndarray,
    found: np.ndarray,
) -> float:
    """Passage d's score as rank_bm25 adds it, term by term in query order; its postings are
    looked up again (a few survivors), which is cheaper than keeping them for every candidate.
    `found` is room for one posting per distinct term."""
    for r in range(len(order)):
        t = term[order[r]]
        start, end = offsets[t], offsets[t + 1]
        b = _find_block(docs, start, end, block, d)
        found[r] = _in_block(docs, start, end, block, b, d) if start + b * block < end else -1
    score = 0.0
    for j in range(len(rank)):
        p = found[rank[j]]
        score += weights[p] if p >= 0 else absent[j]
    return score


@_jit
def top_k(
    docs: np.ndarray,
    weights: np.ndarray,
    offsets: np.ndarray,
    firsts: np.ndarray,
    bounds: np.ndarray,
    block: int,
    slot: np.ndarray,
    cand: np.ndarray,
    part: np.ndarray,
    live: np.ndarray,
    alive: np.ndarray,
    idf: np.ndarray,
    plus: bool,
    delta: float,
    k1: float,
    margin: float,
    qtids: np.ndarray,
    k: int,
    out_docs: np.ndarray,
    out_scores: np.ndarray,
) -> int:
    """The k best passages holding one of the query's terms (qtids, repeats kept) and scoring
    above 0, into out_docs and out_scores best first; returns how many, or -1 for a posting
    outside the passages.

    `plus` and `delta` say what a term gives a passage without it (idf × delta, or 0);
    `margin` × the largest possible size of the query's sum is the allowance for rounding.
    The caller owns the scratch, kept between queries so that none is allocated and faulted
    in each time: per passage, slot (all -1, and left so), cand, part, live and alive (all
    False, and left so).
    """
    nq, n_docs = len(qtids), len(slot)
    # Per query position: what a passage without the term gets (rank_bm25's idf × delta, the
    # same product as BM25Index._absent), and the least excess it can give (below 0 only for
    # Okapi's negative IDFs: a weight is idf × a factor between 0 and k1 + 1).
    absent = np.zeros(nq, np.float64)
    lower = np.zeros(nq, np.float64)
    size = 0.0
    for j in range(nq):
        w = idf[qtids[j]]
        if plus:
            absent[j] = w * delta
        lower[j] = min(w, 0.0) * (k1 + 1)
        size += abs(w) * (delta + k1 + 1)  # no contribution, held or not, is larger
    margin *= size
    # Distinct terms (index i), their repeats, and their order by falling bound (rank r).
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
    bound = np.zeros(m, np.float64)
    for i in range(m):
        for b in range(firsts[term[i]], firsts[term[i] + 1]):
            bound[i] = max(bound[i], bounds[b])
        bound[i] *= count[i]
    order = np.argsort(-bound, kind="mergesort")
    rank = np.empty(nq, np.int64)  # per query position, the rank of its term
    for j in range(nq):
        for r in range(m):
            if order[r] == distinct[j]:
                rank[j] = r
    absent_sum = 0.0
    for j in range(nq):
        absent_sum += absent[j]
    ab = np.zeros(m, np.float64)  # per rank: absent value, repeats, bound sums from r on
    reps = np.zeros(m, np.int64)
    rest = np.zeros(m + 1, np.float64)
    least = np.zeros(m + 1, np.float64)
    for j in range(nq):
        ab[rank[j]] = absent[j]
        reps[rank[j]] += 1
        least[rank[j]] += lower[j]
    for r in range(m - 1, -1, -1):
        rest[r] = rest[r + 1] + bound[order[r]]
        least[r] += least[r + 1]
    n = 0
    tau = 0.0  # k candidates score at least this; drop what cannot reach it
    best = -np.inf  # the largest partial sum so far (never below it)
    fresh = -1  # the rank after which tau was last computed
    ok = True
    first_lookup = m
    for r in range(m):
        if n >= k and absent_sum + rest[r] + margin < tau:
            first_lookup = r
            break
        t = term[order[r]]
        for p in range(offsets[t], offsets[t + 1]):
            d = docs[p]
            if d < 0 or d >= n_docs:
                ok = False
                break
            s = slot[d]
            if s < 0:
                s = n
                n += 1
                slot[d] = s
                cand[s] = d
                part[s] = absent_sum
            part[s] += reps[r] * (weights[p] - ab[r])
            best = max(best, part[s])
        if not ok:
            break
        # A pass over the candidates for tau only when it can end this phase at the next
        # rank (or the phase ends anyway): the largest partial sum says when it cannot.
        if n >= k and (r + 1 == m or best + least[r + 1] - margin > absent_sum + rest[r + 1]):
            tau = max(tau, _kth_largest(part, n, k) + least[r + 1] - margin)
            fresh = r
    if ok and n >= k and fresh < first_lookup - 1:
        tau = max(tau, _kth_largest(part, n, k) + least[first_lookup] - margin)
    n_live = 0
    if ok:
        for s in range(n):
            if part[s] + rest[first_lookup] + margin >= tau:
                live[n_live] = s
                n_live += 1
    for r in range(first_lookup, m if ok else 0):
        t = term[order[r]]
        start, end = offsets[t], offsets[t + 1]
        scan = end - start <= SCAN * n_live
        if scan:
            # Many candidates: one pass over the postings beats a search for each.
            for x in range(n_live):
                alive[live[x]] = True
            for p in range(start, end):
                d = docs[p]
                if d < 0 or d >= n_docs:
                    ok = False
                    break
                s = slot[d]
                if s >= 0 and alive[s]:
                    part[s] += reps[r] * (weights[p] - ab[r])
            for x in range(n_live):
                alive[live[x]] = False
            if not ok:
                break
        kept = 0
        n_blocks = (end - start + block - 1) // block
        for x in range(n_live):
            s = live[x]
            if part[s] + rest[r] + margin < tau:
                continue
            if not scan:
                b = _find_block(docs, start, end, block, cand[s])
                if b < n_blocks:
                    # The block's bound first: most candidates are dropped without a search.
                    ceiling = reps[r] * bounds[firsts[t] + b]
                    if part[s] + rest[r + 1] + ceiling + margin < tau:
                        continue
                    p = _in_block(docs, start, end, block, b, cand[s])
                    if p >= 0:
                        part[s] += reps[r] * (weights[p] - ab[r])
            if part[s] + rest[r + 1] + margin >= tau:
                live[kept] = s
                kept += 1
        n_live = kept
        if n_live >= k:
            tau = max(tau, _kth_largest_of(part, live, n_live, k) + least[r + 1] - margin)
    found = 0
    if ok:
        found = _best(
            docs, weights, offsets, term, order, block, rank, absent, cand, part, live, n_live,
            tau, margin, k, out_docs, out_scores,
        )  # fmt: skip
    for s in range(n):
        slot[cand[s]] = -1
    return found if ok else -1


@_jit
def _best(
    docs: np.ndarray,
    weights: np.ndarray,
    offsets: np.ndarray,
    term: np.ndarray,
    order: np.ndarray,
    block: int,
    rank: np.ndarray,
    absent: np.ndarray,
    cand: np.ndarray,
    part: np.ndarray,
    live: np.ndarray,
    n_live: int,
    tau: float,
    margin: float,
    k: int,
    out_docs: np.ndarray,
    out_scores: np.ndarray,
) -> int:
    """Exact scores of the candidates still in reach of tau; the k best, best first."""
    found = np.empty(len(order), np.int64)
    size = 0
    for x in range(n_live):
        s = live[x]
        if part[s] + margin < tau:
            continue
        score = _exact(docs, weights, offsets, term, order, block, cand[s], rank, absent, found)
        d = cand[s]
        if not score > 0 or (size == k and not _worse(out_scores[0], out_docs[0], score, d)):
            continue
        if size < k:
            j = size
            size += 1
        else:
            j = 0  # replace the worst, the heap's root, and sift down
            while 2 * j + 1 < size:
                c = 2 * j + 1
                if c + 1 < size and _worse(
                    out_scores[c + 1], out_docs[c + 1], out_scores[c], out_docs[c]
                ):
                    c += 1
                if not _worse(out_scores[c], out_docs[c], score, d):
                    break
                out_scores[j], out_docs[j] = out_scores[c], out_docs[c]
                j = c
            out_scores[j], out_docs[j] = score, d
            continue
        while j > 0 and _worse(score, d, out_scores[(j - 1) // 2], out_docs[(j - 1) // 2]):
            out_scores[j], out_docs[j] = out_scores[(j - 1) // 2], out_docs[(j - 1) // 2]
            j = (j - 1) // 2
        out_scores[j], out_docs[j] = score, d
    # Heap to best-first order (k is small: insertion sort).
    for i in range(1, size):
        score, d = out_scores[i], out_docs[i]
        j = i - 1
        while j >= 0 and _worse(out_scores[j], out_docs[j], score, d):
            out_scores[j + 1], out_docs[j + 1] = out_scores[j], out_docs[j]
            j -= 1
        out_scores[j + 1], out_docs[j + 1] = score, d
    return size
