"""Answer quality on XQuAD English: 48 Wikipedia articles, 1,190 questions with gold answers.

    python benchmarks/xquad.py [--semantic on|off] [--seeds 1 2 ... 8] [--set key=value ...]

Prints, for the even-numbered questions (the half every knob was tuned on), the odd ones (the
half it was checked on) and all: accuracy@1 (the first quote contains a gold answer; a
declined question counts as a miss), accuracy@3, the median first-quote length and the share
of questions wrongly declined. Then, per seed, an abstention run in which `--holdout` articles
are removed from the sources: their questions should be declined while the others are still
answered right. Runs outside the test suite; semantic mode encodes the articles once (about
20 s) into a vector cache under the system's temporary folder.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.engine import Engine, EngineConfig  # noqa: E402
from bot.evaluate import EvalItem, EvalReport, evaluate  # noqa: E402
from index.ingest import SourceSet, read_sources  # noqa: E402
from index.semantic import choose_mode  # noqa: E402
from index.store import build_index  # noqa: E402

DATA = Path("../shared/benchmarks/xquad-en")
VECTOR_CACHE = Path(tempfile.gettempdir()) / "quotebot-xquad-vectors.sqlite3"


def load_items(data: Path = DATA) -> list[EvalItem]:
    lines = (data / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [EvalItem.model_validate_json(line) for line in lines]


def held_out(sources: SourceSet, count: int, seed: int) -> set[str]:
    """The `count` article files removed for the abstention run of `seed`."""
    return set(random.Random(seed).sample(sorted(sources.texts), count))


def without(sources: SourceSet, held: set[str]) -> SourceSet:
    return SourceSet(
        texts={n: t for n, t in sources.texts.items() if n not in held}, metas=sources.metas
    )


def relabel(items: list[EvalItem], held: set[str]) -> list[EvalItem]:
    """The questions of removed articles now expect a refusal."""
    return [
        item.model_copy(update={"answers": [], "expect": "no_answer"})
        if f"{item.source}.txt" in held
        else item
        for item in items
    ]


def build_engine(sources: SourceSet, config: EngineConfig, semantic: bool) -> Engine:
    """An engine over `sources`; semantic mode takes vectors from a cache shared by all runs."""
    encoder = choose_mode(semantic).encoder if semantic else None
    retriever = build_index(sources, encoder=encoder, vector_cache=VECTOR_CACHE)
    return Engine(retriever, config)


def with_overrides(settings: list[str], base: dict[str, Any]) -> EngineConfig:
    """EngineConfig with `key=value` overrides; dotted keys reach nested models
    (`policy.answerability.threshold=0.5`)."""
    data = EngineConfig.model_validate(base).model_dump()
    for setting in settings:
        key, value = setting.split("=", 1)
        *path, last = key.split(".")
        target = data
        for part in path:
            target = target[part]
        target[last] = json.loads(value)
    return EngineConfig.model_validate(data)


def halves(items: list[EvalItem]) -> dict[str, Callable[[int], bool]]:
    return {"even": lambda i: i % 2 == 0, "odd": lambda i: i % 2 == 1, "all": lambda i: True}


def report_line(name: str, report: EvalReport) -> str:
    wrongly = 1 - report.answered_rate
    return (
        f"{name:5} accuracy@1 {report.accuracy_at_1:.3f}  accuracy@3 {report.accuracy_at_3:.3f}"
        f"  median first quote {report.median_quote_chars:.0f} chars"
        f"  wrongly declined {wrongly:.3f}  ({report.answerable} questions)"
        f"  answer lines {report.answer_lines}, {report.answer_lines_right} stating an answer"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--semantic", choices=["on", "off"], default="on")
    parser.add_argument("--holdout", type=int, default=8, help="articles removed for abstention")
    parser.add_argument("--seeds", type=int, nargs="*", default=list(range(1, 9)))
    parser.add_argument("--set", nargs="*", default=[], help="EngineConfig overrides, key=value")
    parser.add_argument("--failures", type=int, default=0, help="print this many misses")
    args = parser.parse_args()

    semantic = args.semantic == "on"
    # Up to three quotes per answer, whatever their scores, so that accuracy@3 counts the
    # three best windows; the first quote, and so accuracy@1, is the same as the bot's.
    config = with_overrides(args.set, {"second_quote_ratio": 0})
    items = load_items(args.data)
    sources = read_sources(args.data / "sources")
    started = time.perf_counter()
    engine = build_engine(sources, config, semantic)
    print(
        f"mode: {'semantic' if semantic else 'lexical'}; indexed {len(sources.texts)} articles "
        f"in {time.perf_counter() - started:.1f} s"
    )
    answers, times = [], []
    for item in items:
        started = time.perf_counter()
        answers.append(engine.ask(item.question))
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    print(
        f"== all articles present (ask p50 {statistics.median(times):.1f} ms, "
        f"p99 {times[int(0.99 * (len(times) - 1))]:.1f} ms a question)"
    )
    by_question = dict(zip((i.question for i in items), answers, strict=False))
    for name, keep in halves(items).items():
        chosen = [item for i, item in enumerate(items) if keep(i)]
        report = evaluate(chosen, lambda q: by_question[q])
        print(report_line(name, report))
        if name == "odd":
            for line in report.failures[: args.failures]:
                print("  miss:", line)

    print(f"== abstention: {args.holdout} articles removed, per seed (even / odd / all)")
    declined: dict[str, list[float]] = {"even": [], "odd": [], "all": []}
    kept: dict[str, list[float]] = {"even": [], "odd": [], "all": []}
    for seed in args.seeds:
        held = held_out(sources, args.holdout, seed)
        run = build_engine(without(sources, held), config, semantic)
        relabelled = relabel(items, held)
        answered = {item.question: run.ask(item.question) for item in relabelled}
        parts = []
        for name, keep in halves(items).items():
            chosen = [item for i, item in enumerate(relabelled) if keep(i)]
            report = evaluate(chosen, lambda q, a=answered: a[q])
            declined[name].append(report.declined_rate)
            kept[name].append(report.accuracy_at_1)
            parts.append(f"{report.declined_rate:.3f}/{report.accuracy_at_1:.3f}")
        print(f"seed {seed}: declined/answered right  " + "   ".join(parts))
    for name in declined if args.seeds else ():
        print(
            f"{name:5}: declined min {min(declined[name]):.3f} mean "
            f"{statistics.mean(declined[name]):.3f}; answered right min {min(kept[name]):.3f} "
            f"mean {statistics.mean(kept[name]):.3f}"
        )


if __name__ == "__main__":
    main()
