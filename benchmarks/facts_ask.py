"""Time `Engine.ask` and the fact look-ups it makes, over the test questions and the sources.

    python benchmarks/facts_ask.py [--sources sources] [--asks 200]

Prints the mean and p50/p99 time of one `ask`, one `lookup` and one `faq_match`, cycling
through `tests/questions.jsonl`. Runs outside the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.facts.faq import faq_match  # noqa: E402
from bot.facts.lookup import lookup  # noqa: E402
from bot.loader import load_engine  # noqa: E402


def _timed(name: str, calls: int, questions: list[str], call: Callable[[str], object]) -> None:
    """Run `call` once per question (cycling) `calls` times, after one warm-up pass."""
    for question in questions:
        call(question)
    times = []
    for question in itertools.islice(itertools.cycle(questions), calls):
        began = time.perf_counter()
        call(question)
        times.append(time.perf_counter() - began)
    times.sort()
    mean, p50, p99 = (
        statistics.mean(times) * 1e3,
        times[len(times) // 2] * 1e3,
        times[int(len(times) * 0.99)] * 1e3,
    )
    print(
        f"{name:<10} {calls} calls: total {sum(times):.3f} s, "
        f"mean {mean:.2f} ms, p50 {p50:.2f} ms, p99 {p99:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT / "sources")
    parser.add_argument("--asks", type=int, default=200)
    args = parser.parse_args()
    lines = (ROOT / "tests" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    with tempfile.TemporaryDirectory() as cache:
        engine, _ = load_engine(args.sources, Path(cache))
    book = engine.facts
    assert book is not None
    print(f"{len(book.facts)} facts, {len(book.faqs)} FAQ entries, {len(questions)} questions")
    _timed("ask", args.asks, questions, engine.ask)
    _timed("lookup", args.asks, questions, lambda q: lookup(book, q))
    _timed("faq_match", args.asks, questions, lambda q: faq_match(book, q))


if __name__ == "__main__":
    main()
