"""Answer quality on XQuAD English: 48 Wikipedia articles, 1,190 questions with gold answers.

    python benchmarks/xquad.py [--data ../shared/benchmarks/xquad-en] [--holdout 8]

Prints accuracy@1 (the first quote contains a gold answer), accuracy@3, the median quote
length, and an abstention run in which `--holdout` articles are removed from the sources:
their questions should be declined while the rest are still answered. Runs outside the tests.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from bot.engine import Engine, EngineConfig
from bot.evaluate import EvalItem, evaluate, format_report
from index.ingest import read_sources
from index.store import build_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks/xquad-en"))
    parser.add_argument("--holdout", type=int, default=8, help="articles removed for abstention")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--set", nargs="*", default=[], help="EngineConfig overrides, key=value")
    parser.add_argument("--failures", type=int, default=0, help="print this many misses")
    args = parser.parse_args()

    config = EngineConfig(**dict(kv.split("=", 1) for kv in args.set))
    items = [
        EvalItem.model_validate_json(line)
        for line in (args.data / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    sources = read_sources(args.data / "sources")
    started = time.perf_counter()
    engine = Engine(build_index(sources), config)
    print(f"indexed {len(sources.texts)} articles in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    report = evaluate(items, lambda q: engine.ask(q))
    elapsed = time.perf_counter() - started
    print("== all articles present")
    print(format_report(report))
    print(f"mean time per question {1000 * elapsed / len(items):.1f} ms")
    for line in report.failures[: args.failures]:
        print("  miss:", line)

    names = sorted(sources.texts)
    held = set(random.Random(args.seed).sample(names, args.holdout))
    for name in held:
        del sources.texts[name]
    engine = Engine(build_index(sources), config)
    held_items = [
        item.model_copy(update={"answers": [], "expect": "no_answer"})
        if f"{item.source}.txt" in held
        else item
        for item in items
    ]
    report = evaluate(held_items, lambda q: engine.ask(q))
    print(f"== {args.holdout} articles removed: {', '.join(sorted(held))}")
    print(format_report(report))


if __name__ == "__main__":
    main()
