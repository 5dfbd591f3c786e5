"""Fit the knobs of either mode on the even halves, report them on the odd halves.

    python benchmarks/calibrate.py --mode semantic [--data ../shared/benchmarks/xquad-en]
    python benchmarks/calibrate.py --mode lexical
    python benchmarks/calibrate.py --mode semantic --threshold-only   # the decline threshold alone

Groups of questions, each weighing the same however many questions it has: XQuAD (its
even-numbered questions over all articles, and over the articles left when 8 are removed per
seed, whose questions are then negatives: `benchmarks/xquad.py`), the on-topic questions over
the two seed articles (tests/questions.jsonl, tests/eval/paraphrases.jsonl,
tests/eval/unanswerable.jsonl), and each collection's set (tests/eval/<collection>.jsonl over
its documents, as benchmarks/collections.py names them). Even lines fit, odd lines report.

1. Ranking (bot/core/evidence.py LEXICAL_WEIGHTS or SEMANTIC_WEIGHTS): a softmax over each
   question's windows, the windows whose quote holds a gold answer from the file the question
   names being right.
2. Answerability (bot/core/policy.py Policy.lexical or Policy.answerability): a logistic
   regression of "the first quote is right" on the best window's features; the threshold
   maximises the groups' mean of (unanswerable questions declined + answerable ones answered
   right), XQuAD's declined share being its worst seed's.
3. Semantic mode: fact cards and FAQ entries matched on meaning (bot/core/policy.py
   card_min_cosine, faq_min_cosine): a grid over the on-topic even questions.

Prints the knobs as they go in the code, then each group's odd half with the knobs in the
code and with the fitted ones. The rules that decline whatever the score (a name or year the
sources never use, money, what a "how many" counts) apply throughout. Runs outside the tests;
semantic mode takes several minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.collections import COLLECTIONS  # noqa: E402
from benchmarks.xquad import (  # noqa: E402
    DATA,
    build_engine,
    held_out,
    load_items,
    relabel,
    without,
)
from bot.core.engine import Engine, EngineConfig  # noqa: E402
from bot.core.evidence import Candidate, Evidence, RankWeights  # noqa: E402
from bot.core.policy import Answerability, Policy, decline_reason  # noqa: E402
from bot.evaluate import EvalItem, evaluate, load_eval, right  # noqa: E402
from bot.loader import load_engine  # noqa: E402
from index.ingest import read_sources  # noqa: E402

SEMANTIC_ONLY = {"cosine", "best_sentence", "passage_cosine", "nearest"}
# The best window's features the answerability score weighs, then the evidence's.
WINDOW_FEATURES = [
    "share",
    "known_share",
    "unseen_share",
    "heading",
    "cosine",
    "best_sentence",
    "passage_cosine",
]
EVIDENCE_FEATURES = ["nearest", "unknown_name", "passage_coverage"]
ON_TOPIC = [ROOT / "tests" / "questions.jsonl", ROOT / "tests" / "eval" / "paraphrases.jsonl"]
UNANSWERABLE = ROOT / "tests" / "eval" / "unanswerable.jsonl"
RULES_ONLY = Answerability(bias=0.0, threshold=-math.inf)
HARD_RULES_ONLY = Policy(lexical=RULES_ONLY, answerability=RULES_ONLY)


def features(semantic: bool, without: Collection[str] = ()) -> tuple[list[str], list[str]]:
    """The ranking's features in a mode (but those `without`), and the answerability's."""
    keep = (lambda n: True) if semantic else (lambda n: n not in SEMANTIC_ONLY)
    rank = [n for n in RankWeights.model_fields if keep(n) and n not in without]
    return rank, [n for n in [*WINDOW_FEATURES, *EVIDENCE_FEATURES] if keep(n)]


@dataclass
class Asked:
    """One question's evidence, kept so it can be re-ranked with other weights."""

    index: int
    item: EvalItem
    evidence: Evidence | None
    right: list[bool]
    """Per candidate: its quote holds a gold answer, from the file the item names."""
    engine: Engine


def gather(engine: Engine, items: list[EvalItem], lines: list[int] | None = None) -> list[Asked]:
    """Evidence for every item; `lines` are their 0-based line numbers in their files (by
    default their positions), whose parity says which half they are in."""
    out = []
    for i, item in zip(lines or range(len(items)), items, strict=True):
        question = engine.parse(item.question)
        evidence = engine.find(question)
        marks = []
        if evidence is not None:
            for c in evidence.candidates:
                marks.append(right(item, c.passage.source, engine.snippet_text(c)))
        out.append(Asked(i, item, evidence, marks, engine))
    return out


def matrix(candidates: list[Candidate], names: list[str]) -> np.ndarray:
    return np.array([[c.features.get(n, 0.0) for n in names] for c in candidates])


def fit_ranker(
    groups: list[list[Asked]], names: list[str], steps: int = 3000, l2: float = 1e-3
) -> RankWeights:
    """Softmax over each question's windows; maximise the probability of the right ones, each
    group of questions weighing the same."""
    data = [
        (matrix(a.evidence.candidates, names), np.array(a.right, float), 1 / len(g))
        for g in groups
        for a in g
        if a.evidence is not None and a.evidence.candidates and any(a.right)
    ]
    total = sum(weight for _, _, weight in data)
    w = np.zeros(len(names))
    for _ in range(steps):
        grad = np.zeros_like(w)
        for x, y, weight in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            pos = p * y
            grad -= weight * ((pos / pos.sum() - p) @ x)
        w -= 0.5 * (grad / total + l2 * w)
    return RankWeights(**{n: round(float(v), 3) for n, v in zip(names, w, strict=True)})


@dataclass
class Judged:
    """A question as the fitted ranking answers it: the hard rules' verdict, the best window's
    answerability features, and whether its quote is right."""

    index: int
    answerable: bool
    declined_by_rule: bool
    features: np.ndarray
    right: bool


def judge(asked: list[Asked], weights: RankWeights, semantic: bool) -> list[Judged]:
    rank_names, answer_names = features(semantic)
    w = np.array([getattr(weights, n) for n in rank_names])
    out = []
    for a in asked:
        answerable = bool(a.item.answers)
        ev = a.evidence
        if ev is None or not ev.candidates or not ev.lexical_hits:
            out.append(Judged(a.index, answerable, True, np.zeros(len(answer_names)), False))
            continue
        scores = matrix(ev.candidates, rank_names) @ w
        best = int(np.argmax(scores))
        ranked = [ev.candidates[best], *(c for j, c in enumerate(ev.candidates) if j != best)]
        ranked_ev = replace(ev, candidates=ranked)
        engine = a.engine
        top = ranked[0]
        coverage = engine.coverage(ev, top.pid)
        reason = decline_reason(
            ev.question,
            ranked_ev,
            coverage,
            lambda ev=ev, engine=engine: [engine.passage_text(x.passage) for x in ev.retrieved],
            list,
            HARD_RULES_ONLY,
        )
        evidence_values = {
            "nearest": ev.nearest_cosine,
            "unknown_name": float(bool(ev.question.unknown)),
            "passage_coverage": coverage,
        }
        values = [evidence_values.get(n, top.features.get(n, 0.0)) for n in answer_names]
        out.append(Judged(a.index, answerable, reason is not None, np.array(values), a.right[best]))
    return out


def fit_answerability(
    groups: list[list[Judged]], steps: int = 4000, l2: float = 1e-2
) -> np.ndarray:
    """Logistic regression of "answering gives a right quote"; weights then bias. Each group
    of questions weighs the same in all, however many questions it has."""
    rows = [(j, 1 / len(g)) for g in groups for j in g if not j.declined_by_rule]
    x = np.array([np.r_[j.features, 1.0] for j, _ in rows])
    y = np.array([float(j.answerable and j.right) for j, _ in rows])
    weight = np.array([w for _, w in rows])
    weight /= weight.mean()
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-x @ w))
        w -= 0.5 * (x.T @ ((p - y) * weight) / len(y) + l2 * np.r_[w[:-1], 0.0])
    return w


def rates(judged: list[Judged], w: np.ndarray, threshold: float) -> tuple[float, float]:
    """(share of unanswerable questions declined, share of answerable ones answered right)."""
    answers = [
        not j.declined_by_rule and float(np.r_[j.features, 1.0] @ w) >= threshold for j in judged
    ]
    neg = [not a for a, j in zip(answers, judged, strict=True) if not j.answerable]
    pos = [a and j.right for a, j in zip(answers, judged, strict=True) if j.answerable]
    return (float(np.mean(neg)) if neg else 1.0, float(np.mean(pos)) if pos else 1.0)


def objective(
    seeds: dict[int, list[Judged]],
    groups: dict[str, list[Judged]],
    w: np.ndarray,
    threshold: float,
    keep: Callable[[int], bool],
) -> tuple[float, float]:
    """What a decline model is fitted to: over the questions `keep` takes, the mean over the
    groups of (unanswerable declined + answerable answered right), XQuAD's declined share
    being its worst seed's; and that worst seed's share."""
    by_seed = [rates([j for j in s if keep(j.index)], w, threshold) for s in seeds.values()]
    worst = min(d for d, _ in by_seed)
    values = [worst + float(np.mean([k for _, k in by_seed]))]
    values += [sum(rates([j for j in g if keep(j.index)], w, threshold)) for g in groups.values()]
    return float(np.mean(values)), worst


def answerability(w: np.ndarray, threshold: float, semantic: bool) -> Answerability:
    """The fitted model as the policy holds it; a feature the mode lacks weighs 0."""
    _, names = features(semantic)
    values = dict.fromkeys([*WINDOW_FEATURES, *EVIDENCE_FEATURES], 0.0)
    values.update({n: round(float(v), 3) for n, v in zip(names, w[:-1], strict=True)})
    return Answerability(**values, bias=round(float(w[-1]), 3), threshold=round(threshold, 3))


def on_topic_score(engine: Engine, answerable: list[EvalItem], refused: list[EvalItem]) -> float:
    right_ = evaluate(answerable, engine.ask).accuracy_at_1
    declined = evaluate(refused, engine.ask).declined_rate
    return right_ + declined


def tuned(engine: Engine, weights: RankWeights, policy: Policy, semantic: bool) -> Engine:
    """`engine`'s index and facts with other knobs."""
    mode = {"semantic": weights} if semantic else {"lexical": weights}
    return Engine(engine.retriever, EngineConfig(**mode, policy=policy), engine.facts)


def report(name: str, engine: Engine, items: list[EvalItem], lines: list[int]) -> str:
    """The odd half of a group: right first quote of the answerable, declined of the rest."""
    odd = [item for i, item in zip(lines, items, strict=True) if i % 2 == 1]
    answerable = [i for i in odd if i.answers]
    refused = [i for i in odd if not i.answers]
    right_ = evaluate(answerable, engine.ask).accuracy_at_1 if answerable else float("nan")
    declined = evaluate(refused, engine.ask).declined_rate if refused else float("nan")
    counts = f"({len(answerable)})  declined {declined:.3f} ({len(refused)})"
    return f"{name:14} right {right_:.3f} {counts}"


def scan_threshold(
    semantic: bool, seeds: dict[int, list[Asked]], groups: dict[str, list[Asked]]
) -> None:
    """The objective of the decline model in the code at thresholds around its own, with the
    ranking in the code: how its threshold is refitted when its features change but its
    weights stay (bot/core/policy.py says when that was done). Even halves fit, odd report."""
    config = EngineConfig()
    weights = config.semantic if semantic else config.lexical
    model = config.policy.answerability if semantic else config.policy.lexical
    _, names = features(semantic)
    w = np.array([getattr(model, n) for n in names] + [model.bias])
    judged_seeds = {s: judge(a, weights, semantic) for s, a in seeds.items()}
    judged = {name: judge(a, weights, semantic) for name, a in groups.items()}
    even, odd = (lambda i: i % 2 == 0), (lambda i: i % 2 == 1)
    print("\nthreshold  even objective (worst seed declined)  odd objective (worst seed)")
    for t in model.threshold + np.arange(-0.2, 0.2001, 0.025):
        (e, e_worst), (o, o_worst) = (
            objective(judged_seeds, judged, w, t, keep) for keep in (even, odd)
        )
        mark = "  <- in the code" if abs(t - model.threshold) < 1e-9 else ""
        print(f"{t:9.3f}  {e:.4f} ({e_worst:.3f})  {o:.4f} ({o_worst:.3f}){mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("lexical", "semantic"), required=True)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, default=8, help="XQuAD removal seeds (1..N)")
    parser.add_argument(
        "--without", nargs="*", default=[], help="ranking features left out of the fit (at 0)"
    )
    parser.add_argument(
        "--threshold-only",
        action="store_true",
        help="keep the code's ranking and decline weights; scan the decline threshold only",
    )
    args = parser.parse_args()
    semantic = args.mode == "semantic"
    rank_names, _ = features(semantic, args.without)
    even, odd = (lambda i: i % 2 == 0), (lambda i: i % 2 == 1)

    items = load_items(args.data)
    sources = read_sources(args.data / "sources")
    base = EngineConfig()
    print("gathering evidence: XQuAD, all articles", flush=True)
    xquad_engine = build_engine(sources, base, semantic)
    xquad = gather(xquad_engine, items)
    seeds: dict[int, list[Asked]] = {}
    for seed in range(1, args.seeds + 1):
        print(f"gathering evidence: XQuAD, seed {seed}", flush=True)
        held = held_out(sources, 8, seed)
        seeds[seed] = gather(
            build_engine(without(sources, held), base, semantic), relabel(items, held)
        )
    own, _ = load_engine(ROOT / "sources", semantic=semantic)
    files = [load_eval(path) for path in ON_TOPIC]
    refused = load_eval(UNANSWERABLE)
    topic = [item for items_ in files for item in items_] + refused
    topic_lines = [i for items_ in files for i in range(len(items_))] + list(range(len(refused)))
    # name -> (engine, items, their lines, evidence)
    groups: dict[str, tuple[Engine, list[EvalItem], list[int], list[Asked]]] = {
        "on-topic": (own, topic, topic_lines, gather(own, topic, topic_lines))
    }
    for name, folder in COLLECTIONS.items():
        print(f"gathering evidence: {name}", flush=True)
        engine = own if folder == ROOT / "sources" else load_engine(folder, semantic=semantic)[0]
        its = load_eval(ROOT / "tests" / "eval" / f"{name}.jsonl")
        lines = list(range(len(its)))
        groups[name] = (engine, its, lines, gather(engine, its, lines))

    def half(asked: list[Asked], keep) -> list[Asked]:
        return [a for a in asked if keep(a.index)]

    if args.threshold_only:
        scan_threshold(semantic, seeds, {n: g[3] for n, g in groups.items()})
        return

    weights = fit_ranker(
        [half(xquad, even), *(half(g[3], even) for g in groups.values())], rank_names
    )
    print(f"\n{'SEMANTIC' if semantic else 'LEXICAL'}_WEIGHTS = {weights!r}")

    judged_seeds = {s: judge(a, weights, semantic) for s, a in seeds.items()}
    judged_all = judge(xquad, weights, semantic)
    judged = {name: judge(g[3], weights, semantic) for name, g in groups.items()}
    xquad_train = [j for s in judged_seeds.values() for j in s if even(j.index)]
    xquad_train += [j for j in judged_all if even(j.index)]
    w = fit_answerability(
        [xquad_train, *([j for j in g if even(j.index)] for g in judged.values())]
    )
    thresholds = np.arange(-3.0, 3.0, 0.05)
    best_t = float(max(thresholds, key=lambda t: objective(judged_seeds, judged, w, t, even)[0]))
    model = answerability(w, best_t, semantic)
    key = "answerability" if semantic else "lexical"
    policy = Policy(**{key: model})
    print(f"{key} = {model!r}")

    if semantic:
        best: tuple[float, float, float] | None = None
        topic_even = [i for n, i in zip(topic_lines, topic, strict=True) if even(n) and i.answers]
        refused_even = [item for n, item in enumerate(refused) if even(n)]
        for card, faq in itertools.product(np.arange(0.45, 0.85, 0.05), np.arange(0.6, 0.95, 0.05)):
            trial = policy.model_copy(
                update={"card_min_cosine": round(card, 2), "faq_min_cosine": round(faq, 2)}
            )
            score = on_topic_score(tuned(own, weights, trial, True), topic_even, refused_even)
            if best is None or score > best[0]:
                best = (score, round(card, 2), round(faq, 2))
        assert best is not None
        policy = policy.model_copy(update={"card_min_cosine": best[1], "faq_min_cosine": best[2]})
        print(f"card_min_cosine = {best[1]}, faq_min_cosine = {best[2]}")

    print("\n== odd halves: the first window right (ranking alone), weights in the code / fitted")
    current = base.semantic if semantic else base.lexical
    for name, asked in {"XQuAD": xquad, **{n: g[3] for n, g in groups.items()}}.items():
        answerable = [a for a in half(asked, odd) if a.item.answers]
        shares = [
            np.mean([j.right for j in judge(answerable, wts, semantic)])
            for wts in (current, weights)
        ]
        print(f"{name:14} {shares[0]:.3f} / {shares[1]:.3f} ({len(answerable)})")
    print("\n== odd halves: the knobs in the code, then the fitted ones")
    for s, j in judged_seeds.items():
        declined, kept = rates([x for x in j if odd(x.index)], w, best_t)
        print(f"XQuAD seed {s}: removed declined {declined:.3f}, others right {kept:.3f}")
    xquad_lines = list(range(len(items)))
    for name, (engine, its, lines, _) in {
        "XQuAD": (xquad_engine, items, xquad_lines, None),
        **groups,
    }.items():
        print("  before", report(name, engine, its, lines), flush=True)
        print("  after ", report(name, tuned(engine, weights, policy, semantic), its, lines))


if __name__ == "__main__":
    main()
