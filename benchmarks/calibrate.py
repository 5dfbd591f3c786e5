"""Fit the semantic mode's knobs on the even halves, report them on the odd halves.

    python benchmarks/calibrate.py [--data ../shared/benchmarks/xquad-en]

1. Ranking (bot/evidence.py SEMANTIC_WEIGHTS): a softmax over each question's windows, the
   windows whose quote holds a gold answer being right, fitted on XQuAD's even questions and
   the on-topic even questions (tests/questions.jsonl and tests/eval/paraphrases.jsonl).
2. Answerability (bot/policy.py Answerability): a logistic regression of "the first quote is
   right" on the best window's features, over XQuAD even with 8 articles removed per seed
   1-8 (their questions are negatives) and the on-topic even questions, answerable and
   unanswerable (tests/eval/unanswerable.jsonl); the threshold maximises, on XQuAD even, the
   worst seed's share of removed-article questions declined plus the mean share of the other
   questions answered right (the curve is printed: the issue's 0.95 and 0.85 are not both
   reachable with these features).
3. Fact cards and FAQ entries matched on meaning (bot/policy.py card_min_cosine,
   faq_min_cosine): a grid over the on-topic even questions, whole answers, maximising right
   answers plus right refusals.

Prints the knobs as they go in the code, then the odd halves' figures with them. The rules
that decline whatever the score (a name or year the sources never use, money, what a "how
many" counts) apply throughout. Runs outside the tests; about 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.xquad import (  # noqa: E402
    DATA,
    build_engine,
    held_out,
    load_items,
    relabel,
    without,
)
from bot.engine import Engine, EngineConfig  # noqa: E402
from bot.evaluate import EvalItem, evaluate, load_eval  # noqa: E402
from bot.evidence import Candidate, Evidence, RankWeights  # noqa: E402
from bot.loader import load_engine  # noqa: E402
from bot.policy import Answerability, Policy, decline_reason  # noqa: E402
from index.ingest import read_sources  # noqa: E402

RANK_FEATURES = list(RankWeights.model_fields)
# The best window's features the answerability score weighs, then the evidence's.
WINDOW_FEATURES = [
    "coverage",
    "known_coverage",
    "unseen",
    "cosine",
    "best_sentence",
    "passage_cosine",
]
ANSWER_FEATURES = [*WINDOW_FEATURES, "nearest", "unknown_name"]
ON_TOPIC = [ROOT / "tests" / "questions.jsonl", ROOT / "tests" / "eval" / "paraphrases.jsonl"]
UNANSWERABLE = ROOT / "tests" / "eval" / "unanswerable.jsonl"
HARD_RULES_ONLY = Policy(min_coverage=0.0, answerability=Answerability(threshold=-math.inf))


@dataclass
class Asked:
    """One question's evidence, kept so it can be re-ranked with other weights."""

    index: int
    item: EvalItem
    evidence: Evidence | None
    right: list[bool]
    """Per candidate: its quote holds a gold answer."""
    engine: Engine


def gather(engine: Engine, items: list[EvalItem], lines: list[int] | None = None) -> list[Asked]:
    """Evidence for every item; `lines` are their 0-based line numbers in their files (by
    default their positions), whose parity says which half they are in."""
    out = []
    for i, item in zip(lines or range(len(items)), items, strict=True):
        question = engine.parse(item.question)
        evidence = engine.finder.find(question) if question.terms else None
        right = []
        if evidence is not None:
            for c in evidence.candidates:
                quote = engine.snippet_text(c).casefold()
                right.append(any(a.casefold() in quote for a in item.answers))
        out.append(Asked(i, item, evidence, right, engine))
    return out


def matrix(candidates: list[Candidate], names: list[str]) -> np.ndarray:
    return np.array([[c.features.get(n, 0.0) for n in names] for c in candidates])


def fit_ranker(groups: list[list[Asked]], steps: int = 3000, l2: float = 1e-3) -> RankWeights:
    """Softmax over each question's windows; maximise the probability of the right ones. Each
    group of questions weighs the same in all: XQuAD's questions were written looking at their
    paragraph and share its words, the on-topic ones are worded as users word them."""
    data = [
        (matrix(a.evidence.candidates, RANK_FEATURES), np.array(a.right, float), 1 / len(g))
        for g in groups
        for a in g
        if a.evidence is not None and a.evidence.candidates and any(a.right)
    ]
    total = sum(weight for _, _, weight in data)
    w = np.zeros(len(RANK_FEATURES))
    for _ in range(steps):
        grad = np.zeros_like(w)
        for x, y, weight in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            pos = p * y
            grad -= weight * ((pos / pos.sum() - p) @ x)
        w -= 0.5 * (grad / total + l2 * w)
    return RankWeights(**{n: round(float(v), 3) for n, v in zip(RANK_FEATURES, w, strict=True)})


@dataclass
class Judged:
    """A question as the fitted ranking answers it: the hard rules' verdict, the best window's
    answerability features, and whether its quote is right."""

    index: int
    answerable: bool
    declined_by_rule: bool
    features: np.ndarray
    right: bool


def judge(asked: list[Asked], weights: RankWeights) -> list[Judged]:
    w = np.array([getattr(weights, n) for n in RANK_FEATURES])
    out = []
    for a in asked:
        answerable = bool(a.item.answers)
        ev = a.evidence
        if ev is None or not ev.candidates or not ev.lexical_hits:
            out.append(Judged(a.index, answerable, True, np.zeros(len(ANSWER_FEATURES)), False))
            continue
        scores = matrix(ev.candidates, RANK_FEATURES) @ w
        best = int(np.argmax(scores))
        ranked = [ev.candidates[best], *(c for j, c in enumerate(ev.candidates) if j != best)]
        ranked_ev = Evidence(
            ev.question, ev.retrieved, ranked, ev.lexical_hits, ev.semantic, ev.nearest_cosine
        )
        engine = a.engine
        top = ranked[0]
        reason = decline_reason(
            ev.question,
            ranked_ev,
            engine.coverage(ev.question, top.pid),
            lambda ev=ev, engine=engine: [engine.passage_text(x.passage) for x in ev.retrieved],
            list,
            HARD_RULES_ONLY,
        )
        values = [top.features.get(n, 0.0) for n in WINDOW_FEATURES]
        values += [ev.nearest_cosine, float(bool(ev.question.unknown))]
        out.append(Judged(a.index, answerable, reason is not None, np.array(values), a.right[best]))
    return out


def fit_answerability(
    groups: list[list[Judged]], steps: int = 4000, l2: float = 1e-2
) -> np.ndarray:
    """Logistic regression of "answering gives a right quote"; weights then bias. Each group
    of questions weighs the same in all, however many questions it has: the few on-topic
    questions count as much as the many of XQuAD."""
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


def answerability(w: np.ndarray, threshold: float) -> Answerability:
    values = {n: round(float(v), 3) for n, v in zip(ANSWER_FEATURES, w[:-1], strict=True)}
    return Answerability(**values, bias=round(float(w[-1]), 3), threshold=round(threshold, 3))


def on_topic_score(engine: Engine, answerable: list[EvalItem], refused: list[EvalItem]) -> float:
    right = evaluate(answerable, engine.ask).accuracy_at_1
    declined = evaluate(refused, engine.ask).declined_rate
    return right + declined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    even, odd = (lambda i: i % 2 == 0), (lambda i: i % 2 == 1)

    items = load_items(args.data)
    sources = read_sources(args.data / "sources")
    base = EngineConfig()
    print("gathering evidence: XQuAD, all articles", flush=True)
    xquad = gather(build_engine(sources, base, True), items)
    seeds: dict[int, list[Asked]] = {}
    for seed in range(1, 9):
        print(f"gathering evidence: XQuAD, seed {seed}", flush=True)
        held = held_out(sources, 8, seed)
        seeds[seed] = gather(build_engine(without(sources, held), base, True), relabel(items, held))
    own, _ = load_engine(ROOT / "sources", semantic=True)
    files = [load_eval(path) for path in ON_TOPIC]
    topic = [item for items_ in files for item in items_]
    topic_lines = [i for items_ in files for i in range(len(items_))]
    refused = load_eval(UNANSWERABLE)
    topic_asked = gather(own, topic + refused, topic_lines + list(range(len(refused))))

    def half(asked: list[Asked], keep) -> list[Asked]:
        return [a for a in asked if keep(a.index)]

    weights = fit_ranker([half(xquad, even), [a for a in topic_asked if even(a.index)]])
    print(f"\nSEMANTIC_WEIGHTS = {weights!r}")

    judged_seeds = {s: judge(a, weights) for s, a in seeds.items()}
    judged_all = judge(xquad, weights)
    judged_topic = judge(topic_asked, weights)
    xquad_train = [j for s in judged_seeds.values() for j in s if even(j.index)]
    xquad_train += [j for j in judged_all if even(j.index)]
    w = fit_answerability([xquad_train, [j for j in judged_topic if even(j.index)]])
    # The threshold balances the two errors on the even halves: the worst seed's share of
    # removed-article questions declined plus the mean share of the others answered right.
    print("threshold  declined (worst seed)  answered right (mean)  all-present right")
    best_t, best_value = 0.0, -math.inf
    for t in np.arange(-1.0, 1.5, 0.05):
        evens = [rates([j for j in s if even(j.index)], w, t) for s in judged_seeds.values()]
        declined, kept = min(d for d, _ in evens), float(np.mean([k for _, k in evens]))
        present = rates([j for j in judged_all if even(j.index)], w, t)[1]
        print(f"{t:9.2f}  {declined:21.3f}  {kept:21.3f}  {present:17.3f}")
        if declined + kept > best_value:
            best_t, best_value = float(t), declined + kept
    threshold = best_t
    policy = Policy(answerability=answerability(w, threshold))
    print(f"answerability = {policy.answerability!r}")

    best: tuple[float, float, float] | None = None
    topic_even = [item for i, item in zip(topic_lines, topic, strict=True) if even(i)]
    refused_even = [item for i, item in enumerate(refused) if even(i)]
    for card, faq in itertools.product(np.arange(0.45, 0.85, 0.05), np.arange(0.6, 0.95, 0.05)):
        trial = policy.model_copy(
            update={"card_min_cosine": round(card, 2), "faq_min_cosine": round(faq, 2)}
        )
        trial_engine = Engine(
            own.retriever, EngineConfig(semantic=weights, policy=trial), own.facts
        )
        score = on_topic_score(trial_engine, topic_even, refused_even)
        if best is None or score > best[0]:
            best = (score, round(card, 2), round(faq, 2))
    assert best is not None
    policy = policy.model_copy(update={"card_min_cosine": best[1], "faq_min_cosine": best[2]})
    print(f"card_min_cosine = {best[1]}, faq_min_cosine = {best[2]}")

    print("\n== odd halves, with these knobs")
    w_rank = np.array([getattr(weights, n) for n in RANK_FEATURES])
    for name, group in (("XQuAD", half(xquad, odd)), ("on-topic", half(topic_asked, odd))):
        scored = [a for a in group if a.evidence is not None and a.evidence.candidates]
        right = [
            a.right[int(np.argmax(matrix(a.evidence.candidates, RANK_FEATURES) @ w_rank))]
            for a in scored
            if a.item.answers
        ]
        print(f"{name} odd: first window right {np.mean(right):.3f} (ranking alone)")
    for s, j in judged_seeds.items():
        declined, right = rates([x for x in j if odd(x.index)], w, threshold)
        print(
            f"XQuAD seed {s}: removed-article questions declined {declined:.3f}, others right "
            f"{right:.3f} (first window only, before fact cards)"
        )
    tuned = Engine(own.retriever, EngineConfig(semantic=weights, policy=policy), own.facts)
    topic_odd = [item for i, item in zip(topic_lines, topic, strict=True) if odd(i)]
    refused_odd = [item for i, item in enumerate(refused) if odd(i)]
    print(
        f"on-topic odd: answered right {evaluate(topic_odd, tuned.ask).accuracy_at_1:.3f}, "
        f"unanswerable declined {evaluate(refused_odd, tuned.ask).declined_rate:.3f}"
    )


if __name__ == "__main__":
    main()
