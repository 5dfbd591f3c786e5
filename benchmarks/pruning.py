"""Why index/topk.py is compiled: the same exact top 10 three ways, on benchmarks/realtext.py's
saved index, and where a query's time goes.

    python benchmarks/realtext.py --work DIR        # once, to build the corpus and index
    python benchmarks/pruning.py --work DIR [--repeat 5]

- compiled: `BM25Index.top` once the kernel is loaded: every posting summed into a per-passage
  array, then the passages the term bounds leave in reach scored exactly, in numba
  (index/topk.py);
- NumPy, every posting: what `top` does before the kernel is worth loading (every posting of
  every query term, then a partition for the top 10);
- NumPy, MaxScore: per-term bounds decide which terms are essential; the passages holding an
  essential term are scored exactly, with a binary search per passage in every other term;
  the passages of the rarest term are scored first to know the 10th best score.
All three must give the same hits, which is checked. Each query runs --repeat times and its
fastest run counts, which takes most of a shared machine's noise out; p50 and p99 are over
queries. The compiled path is then split: the kernel's own time against the Python around it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval import K, ms, percentiles  # noqa: E402

import index.scorer  # noqa: E402
from index.scorer import MARGIN, BM25Index, use_compiled_top  # noqa: E402
from index.store import load_index  # noqa: E402

Top = Callable[[list[str]], list[tuple[int, float]]]


def every_posting(index: BM25Index) -> Top:
    def top(query: list[str]) -> list[tuple[int, float]]:
        tids = index._known(query)
        return [(h.passage, h.score) for h in index._top_numpy(tids, K)] if tids else []

    return top


def numpy_maxscore(index: BM25Index) -> Top:
    term_bound = index._term_bounds

    def exact(tids: list[int], passages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores in query order (as rank_bm25 adds them), and whether a term is held."""
        acc = np.zeros(len(passages))
        held = np.zeros(len(passages), dtype=bool)
        for tid in tids:
            span = index._slice(tid)
            docs = index.docs[span]
            at = np.minimum(np.searchsorted(docs, passages), len(docs) - 1)
            hit = docs[at] == passages
            acc += np.where(hit, index.weights[span][at], index._absent(tid))
            held |= hit
        return acc, held

    def top(query: list[str]) -> list[tuple[int, float]]:
        tids = index._known(query)
        if not tids:
            return []
        counts = Counter(tids)
        absent = sum(index._absent(t) for t in tids)
        p = index.params
        margin = MARGIN * sum(abs(float(index.idf[t])) for t in tids) * (p.delta + p.k1 + 1)
        rarest = min(counts, key=lambda t: index.offsets[t + 1] - index.offsets[t])
        first = index.docs[index._slice(rarest)]
        scores, held = exact(tids, first)
        keep = held & (scores > 0)
        docs, scores = first[keep], scores[keep]
        theta = -np.partition(-scores, K - 1)[K - 1] if len(scores) >= K else 0.0
        total, essential = absent, []
        for bound, tid in sorted((c * term_bound[t], t) for t, c in counts.items()):
            if tid != rarest and total + bound + margin < theta:
                total += bound
            elif tid != rarest:
                essential.append(tid)
        if essential:
            more = np.unique(np.concatenate([index.docs[index._slice(t)] for t in essential]))
            more = more[~np.isin(more, first)]
            extra, held = exact(tids, more)
            keep = held & (extra > 0)
            docs = np.concatenate([docs, more[keep]])
            scores = np.concatenate([scores, extra[keep]])
        order = np.lexsort((docs, -scores))[:K]
        return [(int(docs[i]), float(scores[i])) for i in order]

    return top


def fastest(top: Top, queries: list[list[str]], repeat: int) -> list[float]:
    best = []
    for query in queries:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            top(query)
            runs.append(time.perf_counter() - started)
        best.append(min(runs))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    retriever, _ = load_index(args.work / "sources", args.work / "cache")
    scorer = retriever.scorer
    use_compiled_top()

    def compiled(query: list[str]) -> list[tuple[int, float]]:
        return [(h.passage, h.score) for h in scorer.top(query, K)]

    sides = {
        "compiled (index/topk.py)": compiled,
        "NumPy, every posting": every_posting(scorer),
        "NumPy, MaxScore": numpy_maxscore(scorer),
    }
    queries = json.loads((args.work / "queries.json").read_text())
    for name, questions in queries.items():
        terms = [retriever.analyzer.terms(q) for q in questions]
        results = {side: [top(q) for q in terms] for side, top in sides.items()}
        first = next(iter(results.values()))
        assert all(r == first for r in results.values()), "the three disagree"
        print(f"{name}: {len(terms)} queries, top {K}, fastest of {args.repeat} runs each")
        for side, top in sides.items():
            p50, p99 = percentiles(fastest(top, terms, args.repeat))
            print(f"  {side:28} p50 {ms(p50):>10}  p99 {ms(p99):>10}")
        kernel = kernel_share(compiled, terms, args.repeat)
        print(
            f"  of the compiled path's p50, the kernel {ms(percentiles(kernel)[0])}; the rest "
            "is Python around it (term ids, argument arrays, hits)"
        )


def kernel_share(top: Top, queries: list[list[str]], repeat: int) -> list[float]:
    """Per query, the kernel's own time in the fastest run of `top`."""
    kernel = index.scorer._compiled.top_k
    spent: list[float] = []

    def timed(*args: object) -> int:
        started = time.perf_counter()
        found = kernel(*args)
        spent.append(time.perf_counter() - started)
        return found

    index.scorer._compiled.top_k = timed
    try:
        best = []
        for query in queries:
            runs = []
            for _ in range(repeat):
                spent.clear()
                started = time.perf_counter()
                top(query)
                runs.append((time.perf_counter() - started, sum(spent)))
            best.append(min(runs)[1])
        return best
    finally:
        index.scorer._compiled.top_k = kernel


if __name__ == "__main__":
    main()
