"""Answer quality on XQuAD English: 48 Wikipedia articles, 1,190 questions with gold answers.

    python benchmarks/xquad.py [--data ../shared/benchmarks/xquad-en] [--holdout 8]

Prints accuracy@1 (the first quote contains a gold answer), accuracy@3, the median quote
length, and an abstention run in which `--holdout` articles are removed from the sources:
their questions should be declined while the rest are still answered. Runs outside the tests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from bot.engine import Engine, EngineConfig
from bot.evaluate import EvalItem, EvalReport, evaluate, format_report
from index.ingest import SourceSet, read_sources
from index.store import build_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks/xquad-en"))
    parser.add_argument("--holdout", type=int, default=8, help="articles removed for abstention")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--set", nargs="*", default=[], help="EngineConfig overrides, key=value")
    parser.add_argument("--failures", type=int, default=0, help="print this many misses")
    args = parser.parse_args()

    # Up to three quotes per answer, whatever their scores, so that accuracy@3 counts the
    # three best windows; the first quote, and so accuracy@1, is the same as the bot's.
    config = EngineConfig(second_quote_ratio=0, **dict(kv.split("=", 1) for kv in args.set))
    items = [
        EvalItem.model_validate_json(line)
        for line in (args.data / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    sources = read_sources(args.data / "sources")
    started = time.perf_counter()
    engine = Engine(build_index(sources), config)
    print(f"indexed {len(sources.texts)} articles in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    report = evaluate(items, engine.ask)
    elapsed = time.perf_counter() - started
    print("== all articles present")
    print(format_report(report))
    print(f"mean time per question {1000 * elapsed / len(items):.1f} ms")
    for line in report.failures[: args.failures]:
        print("  miss:", line)

    print(f"== abstention: {args.holdout} articles removed, per seed")
    declined, kept = [], []
    for seed in args.seeds:
        report = _holdout(items, sources, config, args.holdout, seed)
        declined.append(report.declined_rate)
        kept.append(report.accuracy_at_1)
        print(
            f"seed {seed:3}: declined {report.declined_rate:.3f} of {report.unanswerable} "
            f"removed-article questions; accuracy@1 {report.accuracy_at_1:.3f} on the other "
            f"{report.answerable}"
        )
    print(
        f"mean    : declined {statistics.mean(declined):.3f}; "
        f"accuracy@1 {statistics.mean(kept):.3f}"
    )


def _holdout(
    items: list[EvalItem], sources: SourceSet, config: EngineConfig, count: int, seed: int
) -> EvalReport:
    """Remove `count` articles; their questions now expect a refusal."""
    held = set(random.Random(seed).sample(sorted(sources.texts), count))
    kept = SourceSet(
        texts={n: t for n, t in sources.texts.items() if n not in held}, metas=sources.metas
    )
    engine = Engine(build_index(kept), config)
    relabelled = [
        item.model_copy(update={"answers": [], "expect": "no_answer"})
        if f"{item.source}.txt" in held
        else item
        for item in items
    ]
    return evaluate(relabelled, engine.ask)


if __name__ == "__main__":
    main()
