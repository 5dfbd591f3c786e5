"""Building the index on passages of real sentences: `python -m bot index` against rank_bm25's
own tokenize + build, wall time and peak RSS, in the same run.

    python benchmarks/build.py [--data ../shared/benchmarks] [--paragraphs 88000] [--seed 11]
                               [--work DIR] [--runs 1] [--profile]

The corpus is benchmarks/realtext.py's (its `generate()`): sentences of the Vaswani/NPL
abstracts and of the 48 XQuAD English articles drawn at random (seeded) into paragraphs of 3–6
sentences, 200 paragraphs a file; 88,000 paragraphs (440 files) become about 101k passages,
880,000 paragraphs about 1M. An existing corpus of the same size in DIR/sources is reused.

Each side runs in a process of its own, its peak RSS read from that process's own rusage
(os.wait4), so the figures never mix:
- quotebot: `python -m bot --sources DIR/sources --cache DIR/cache index --force` with
  QUOTEBOT_SEMANTIC=off (semantic mode would encode every sentence: a different benchmark);
  the wall time is the whole command's, start-up, reading, ingestion, analysis, indexing and
  saving included;
- rank_bm25 as its README shows it: `[doc.lower().split(" ") for doc in corpus]` over the
  paragraph texts of the same files (the same words as the passages), then `BM25Okapi`;
  reading the files is timed apart and left out of its tokenize + build time, so the ratio
  printed favours rank_bm25.
The issue's target (issue 11): quotebot's build at most 2.5× rank_bm25's
tokenize + build, peak RSS at most 600 MiB at 100k passages (4 GiB at 1M). The build uses worker
processes when there is enough text (index/builder.py); its peak RSS here is the largest of
its processes' (rusage), so the workers' own peaks (about 45 MiB each at 100k passages) are
not in it. With --profile, one more build runs under cProfile, in one process, and the shares
of its main stages are printed.
The machine is shared: medians of --runs builds, the ratio per run.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from realtext import PARAGRAPHS_PER_FILE, generate  # noqa: E402

# Build stages whose cumulative share of the profiled build is printed: (label, function).
STAGES = (
    ("read sources", "read_sources"),
    ("per source (ingest, analyze)", "analyze_source"),
    ("  classify lines", "classify"),
    ("  photo-credit regex", "photo_credit_start"),
    ("  passages", "passage_rows"),
    ("  analysis", "span_ids"),
    ("  acronym candidates", "acronym_candidates"),
    ("acronym mining", "acronyms"),
    ("index (acronyms, ids, postings)", "finish"),
    ("  postings", "from_ids"),
    ("  term rows", "term_rows"),
    ("save", "save_index"),
)


def corpus(work: Path, data: Path, paragraphs: int, seed: int) -> Path:
    """DIR/sources holding `paragraphs` paragraphs, generated unless already there."""
    sources = work / "sources"
    files = -(-paragraphs // PARAGRAPHS_PER_FILE)
    if len(list(sources.glob("doc-*.txt"))) != files:
        generate(data, sources, paragraphs, queries=0, seed=seed)
    return sources


class Measured(NamedTuple):
    seconds: float  # wall time
    cpu: float  # user + system seconds
    rss: float  # peak RSS, MiB
    out: str  # stdout


def measured(command: list[str], env: dict[str, str] | None = None) -> Measured:
    """Wall seconds, CPU seconds, peak RSS and stdout of `command`, from its own rusage: on a
    shared machine, CPU seconds move less than wall time."""
    with tempfile.TemporaryFile() as errors:  # progress bars and, on failure, the reason
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors, cwd=ROOT)
        out = child.stdout.read().decode() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"{command} failed:\n{out}{errors.read().decode()[-4000:]}")
    return Measured(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


def lexical_env() -> dict[str, str]:
    return {**os.environ, "QUOTEBOT_SEMANTIC": "off"}


def quotebot_command(work: Path) -> list[str]:
    sources, cache = str(work / "sources"), str(work / "cache")
    return [sys.executable, "-m", "bot", "--sources", sources, "--cache", cache, "index", "--force"]


def side_rank_bm25(work: Path) -> None:
    """rank_bm25's README recipe over the corpus's paragraphs; prints its timings as JSON."""
    started = time.perf_counter()
    texts = [p.read_text(encoding="utf-8") for p in sorted((work / "sources").glob("doc-*.txt"))]
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()]
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    from rank_bm25 import BM25Okapi

    tokenized = [doc.lower().split(" ") for doc in paragraphs]
    tokenize_s = time.perf_counter() - started
    started = time.perf_counter()
    BM25Okapi(tokenized)
    build_s = time.perf_counter() - started
    print(
        json.dumps(
            {"read_s": read_s, "tokenize_s": tokenize_s, "build_s": build_s, "docs": len(tokenized)}
        )
    )


def side_profile(work: Path) -> None:
    """`python -m bot index` under cProfile, in one process (no worker processes, whose
    stages the profile would not see), into DIR/build.prof."""
    import cProfile

    from bot.cli import main as cli
    from index import builder

    builder.MAX_WORKERS = 1
    cProfile.runctx(
        "cli(args)",
        globals(),
        {"cli": cli, "args": quotebot_command(work)[3:]},
        str(work / "build.prof"),
    )


def profile(work: Path) -> None:
    """One more build under cProfile, in one process; each stage's cumulative share."""
    target = work / "build.prof"
    measured([sys.executable, __file__, "--side", "profile", "--work", str(work)], lexical_env())
    stats = pstats.Stats(str(target))
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"profile of one build ({total:.1f} s under cProfile):")
    for label, function in STAGES:
        cumulative = sum(
            v[3]
            for (file, _, name), v in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and ("/index/" in file)
        )
        print(f"  {label:28} {cumulative:7.1f} s  {100 * cumulative / total:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--paragraphs", type=int, default=88_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rt-build"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--side", choices=["rank_bm25", "profile"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        (side_rank_bm25 if args.side == "rank_bm25" else side_profile)(args.work)
        return
    corpus(args.work, args.data, args.paragraphs, args.seed)
    builds, peers = [], []
    for run in range(1, args.runs + 1):
        build = measured(quotebot_command(args.work), lexical_env())
        print(
            f"run {run}: quotebot index {build.seconds:.1f} s (CPU {build.cpu:.1f} s), "
            f"peak RSS {build.rss:.0f} MiB; {build.out.strip()}"
        )
        peer = measured([sys.executable, __file__, "--side", "rank_bm25", "--work", str(args.work)])
        figures = json.loads(peer.out)
        own = figures["tokenize_s"] + figures["build_s"]
        print(
            f"run {run}: rank_bm25 tokenize {figures['tokenize_s']:.1f} s + BM25Okapi "
            f"{figures['build_s']:.1f} s = {own:.1f} s over {figures['docs']:,} paragraphs "
            f"(reading {figures['read_s']:.1f} s apart; process {peer.seconds:.1f} s), "
            f"peak RSS {peer.rss:.0f} MiB; ratio quotebot / rank_bm25 {build.seconds / own:.2f}"
        )
        builds.append(build)
        peers.append(own)
    if args.runs > 1:
        seconds = statistics.median(b.seconds for b in builds)
        print(
            f"medians of {args.runs}: quotebot {seconds:.1f} s, "
            f"{statistics.median(b.rss for b in builds):.0f} MiB; rank_bm25 "
            f"{statistics.median(peers):.1f} s; ratio of medians "
            f"{seconds / statistics.median(peers):.2f}"
        )
    if args.profile:
        profile(args.work)


if __name__ == "__main__":
    main()
