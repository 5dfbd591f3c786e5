"""Loading a large curated fact book, and reporting a quote missing from a big source.

    .venv/bin/python benchmarks/curated_facts.py                      # this checkout
    .venv/bin/python benchmarks/curated_facts.py --code DIR           # another checkout
    .venv/bin/python benchmarks/curated_facts.py --facts 1000 --quote-kb 20 --timeout 300

A source of about 2 MB is written (generated sentences, five to a paragraph) with a
`facts.toml` of `--facts` entries, each quoting one of its sentences. Each figure is measured
in a process of its own running `bot.facts.curated.load_curated` of the checkout given (the
source mapped as a saved index maps it), so a hang is a timeout, not a stuck benchmark:

- load: the whole fact book checked, seconds;
- a missing quote: one entry whose `--quote-kb` kB quote is a stretch of the source with one
  word changed in its middle, then one whose quote is a sentence with one figure changed, then
  one whose quote is nowhere in the source; seconds until the error, and its closest-text
  hint. The issue's targets (issue 21): 10,000 facts load in seconds; a missing quote is
  reported in well under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "ledger.txt"
SOURCE_CHARS = 2_000_000

# Run in the child: load the fact book, print seconds and the error (if any) as JSON.
CHILD = r"""
import json, sys, time
from pathlib import Path
from bot.facts.curated import load_curated
from index.errors import DataFileError
from index.source_text import SourceText
folder = Path(sys.argv[1])
texts = {sys.argv[2]: SourceText(folder / sys.argv[2])}
began = time.perf_counter()
try:
    facts, _ = load_curated(folder / "facts.toml", texts)
    error = None
except DataFileError as exc:
    facts, error = [], str(exc)
print(json.dumps({"seconds": time.perf_counter() - began, "facts": len(facts), "error": error}))
"""


def sentence(i: int) -> str:
    """Sentence `i` of the source: distinct for every i, with a figure to cite."""
    return f"Clerk {i} logged {i * 7 % 1000} crates of item {i * 31 % 977} on day {i % 28 + 1}."


def write_source(folder: Path) -> list[str]:
    """The source file, and its sentences in order."""
    sentences: list[str] = []
    size = 0
    while size < SOURCE_CHARS:
        sentences.append(sentence(len(sentences)))
        size += len(sentences[-1]) + 1
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    (folder / SOURCE).write_text("Ledger\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return sentences


def entry(i: int, quote: str, value: str) -> str:
    return (
        f'[[fact]]\nsubject = "Clerk {i}"\nmeasure = "crates logged"\nvalue = {json.dumps(value)}\n'
        f'claimed_by = "The ledger"\nsource = "{SOURCE}"\nquote = {json.dumps(quote)}\n\n'
    )


def fact_book(sentences: list[str], n: int) -> str:
    """`n` entries, each quoting another sentence (spread over the whole source)."""
    step = max(1, len(sentences) // n)
    if n > len(sentences):
        raise SystemExit(f"at most {len(sentences)} facts: the source has that many sentences")
    return "".join(entry(i, sentences[i * step], f"{i * step * 7 % 1000} crates") for i in range(n))


def missing_quotes(folder: Path, quote_kb: int) -> list[tuple[str, str]]:
    """(label, quote) of quotes missing from the source, each nearly or not at all in it."""
    text = (folder / SOURCE).read_text(encoding="utf-8")
    start = len(text) // 3
    long = text[start : start + quote_kb * 1000]
    middle = long.index("crates", len(long) // 2)
    long = long[:middle] + "barrels" + long[middle + len("crates") :]
    one = sentence(12_345).replace(f"of item {12_345 * 31 % 977}", "of item 1000")
    return [
        (f"a {quote_kb} kB quote, one word changed in its middle", long),
        ("a sentence with one figure changed", one),
        ("a sentence nowhere in the source", "Zebras graze quietly beyond the northern fence."),
    ]


def run(code: Path, folder: Path, timeout: float) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    try:
        done = subprocess.run(  # -P, and run in `folder`: only `code` is imported
            [sys.executable, "-P", "-c", CHILD, str(folder), SOURCE],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "error": f"no answer within {timeout:.0f} s"}
    if done.returncode != 0:
        return {"seconds": None, "error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose bot/ to run")
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--quote-kb", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qb-facts-") as tmp:
        folder = Path(tmp)
        sentences = write_source(folder)
        size = (folder / SOURCE).stat().st_size
        print(f"source: {size / 1e6:.1f} MB, {len(sentences):,} sentences ({args.code})")
        (folder / "facts.toml").write_text(fact_book(sentences, args.facts), encoding="utf-8")
        loaded = run(args.code.resolve(), folder, args.timeout)
        seconds = loaded["seconds"]
        shown = f"{seconds:.2f} s" if isinstance(seconds, float) else loaded["error"]
        print(f"load {args.facts:,} curated facts: {shown}")
        for label, quote in missing_quotes(folder, args.quote_kb):
            (folder / "facts.toml").write_text(entry(0, quote, "crates"), encoding="utf-8")
            found = run(args.code.resolve(), folder, args.timeout)
            seconds = found["seconds"]
            took = f"{seconds:.3f} s" if isinstance(seconds, float) else "-"
            hint = str(found["error"] or "no error")
            print(f"missing quote, {label}: {took}\n    {hint[-300:]}")


if __name__ == "__main__":
    main()
