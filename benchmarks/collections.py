"""Answer quality, index time and peak memory per document collection, for any checkout.

Each collection is a sources folder and its question set in this checkout's tests/eval/
(written from the documents, without running the bot: tests/eval/README.md). Every figure
comes from whole commands of the checkout measured (`--code`, default this one): `python -m
bot index --force` (its build time and peak memory), then `python -m bot ask --jsonl` over the
questions, scored here from the JSON answers alone, so an older checkout is measured by the
same rules:

- right first quote: an answerable question whose first quote comes from the file its line
  names and holds one of its answers (a declined one is a miss);
- declined: an unanswerable question the bot declines.

and where the answerable misses lie: declined, a first quote from the right file without the
answer, the right quote later than first, or the first quote from another file; and how many
answerable questions are answered (not a conflict) with an answer line ("57 — Boston Police
…"), and how many of those lines state one of the question's answers (its value holds one, or
one holds it).

Even lines are where knobs may be fitted, odd lines the held-out check; both are printed.

    .venv/bin/python benchmarks/collections.py                       # this checkout, both modes
    .venv/bin/python benchmarks/collections.py --code /path/to/main  # another checkout
    .venv/bin/python benchmarks/collections.py --semantic off --failures 5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.evaluate import (  # noqa: E402  (this checkout's scoring rules)
    EvalItem,
    from_file,
    line_states_answer,
    load_eval,
    right,
)

CORPORA = ROOT.parent / "shared" / "corpora"
if not CORPORA.exists():
    CORPORA = Path("/work/shared/corpora")
COLLECTIONS = {
    "sources": ROOT / "sources",
    "python-faq": CORPORA / "python-faq" / "docs",
    "pydis-guides": CORPORA / "pydis-site-guides" / "docs",
    "sqlite-docs": CORPORA / "sqlite-docs-html" / "docs",
}
_INDEXED = re.compile(
    r"indexed (\d+) sources, (\d+) passages.* in ([\d.]+) s, peak memory (\d+) MB"
)


@dataclass
class Score:
    right: int = 0
    answerable: int = 0
    declined: int = 0
    unanswerable: int = 0

    def add(self, other: Score) -> None:
        self.right += other.right
        self.answerable += other.answerable
        self.declined += other.declined
        self.unanswerable += other.unanswerable

    def cell(self) -> str:
        r = self.right / max(self.answerable, 1)
        d = self.declined / max(self.unanswerable, 1)
        right = f"{r:.3f} ({self.right}/{self.answerable})"
        return f"{right}  {d:.3f} ({self.declined}/{self.unanswerable})"


def _python(code: Path) -> str:
    venv = code / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _bot(code: Path, argv: list[str], env: dict[str, str], stdin: str = "") -> str:
    done = subprocess.run(
        [_python(code), "-m", "bot", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=code,
        env=env,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


MISS_KINDS = ("declined", "right file, wrong quote", "right in a later quote", "wrong file")


def _right(item: EvalItem, snippet: dict) -> bool:
    return right(item, snippet["source"], snippet["quote"])


def _miss_kind(item: EvalItem, answer: dict) -> str:
    """Where an answerable question's miss lies, from its JSON answer alone."""
    snippets = answer.get("snippets") or []
    if answer.get("status") == "no_answer" or not snippets:
        return "declined"
    if any(_right(item, s) for s in snippets[1:]):
        return "right in a later quote"
    if from_file(item, snippets[0]["source"]):
        return "right file, wrong quote"
    return "wrong file"


def measure(code: Path, name: str, semantic: bool, failures: int) -> tuple[dict, str]:
    folder = COLLECTIONS[name]
    items = load_eval(ROOT / "tests" / "eval" / f"{name}.jsonl")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "QUOTEBOT_CACHE": cache, "PYTHONPATH": str(code)}
        env["QUOTEBOT_SEMANTIC"] = "on" if semantic else "off"
        common = ["--sources", str(folder)]
        indexed = _INDEXED.search(_bot(code, [*common, "index", "--force"], env))
        questions = "\n".join(item.question for item in items) + "\n"
        lines = _bot(code, [*common, "ask", "--jsonl"], env, questions).splitlines()
    answers = [json.loads(line) for line in lines]
    halves = {"even": Score(), "odd": Score()}
    misses: list[str] = []
    kinds = dict.fromkeys(MISS_KINDS, 0)
    answer_lines = {"given": 0, "right": 0}
    for i, (item, answer) in enumerate(zip(items, answers, strict=True)):
        score = halves["even" if i % 2 == 0 else "odd"]
        if item.expected == "no_answer":
            score.unanswerable += 1
            score.declined += answer.get("status") == "no_answer"
            if answer.get("status") != "no_answer":
                misses.append(f"should decline: {item.question}")
            continue
        score.answerable += 1
        snippets = answer.get("snippets") or []
        hit = answer.get("status") != "no_answer" and bool(snippets) and _right(item, snippets[0])
        score.right += hit
        if answer.get("status") == "answered" and answer.get("answer"):
            answer_lines["given"] += 1
            answer_lines["right"] += line_states_answer(answer["answer"], item.answers)
        if not hit:
            kinds[_miss_kind(item, answer)] += 1
            first = snippets[0]["quote"][:80] if snippets else answer.get("note", "")[:80]
            misses.append(f"{answer.get('status')}: {item.question} -> {first!r}")
    build = (
        f"{indexed.group(1)} files, {indexed.group(2)} passages, {indexed.group(3)} s, "
        f"{indexed.group(4)} MB"
        if indexed
        else "index figures not printed"
    )
    report = {"build": build, "kinds": kinds, "lines": answer_lines, **halves}
    return report, "\n".join(f"    miss: {m}" for m in misses[:failures])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument("--semantic", choices=["on", "off", "both"], default="both")
    parser.add_argument("--collections", nargs="*", default=list(COLLECTIONS))
    parser.add_argument("--failures", type=int, default=0, help="print this many misses each")
    args = parser.parse_args()
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.semantic]
    print(f"code: {args.code.resolve()}")
    print("right first quote (answerable) / declined (unanswerable), per half")
    for semantic in modes:
        mode = "semantic" if semantic else "lexical"
        for name in args.collections:
            report, misses = measure(args.code.resolve(), name, semantic, args.failures)
            whole = Score()
            whole.add(report["even"])
            whole.add(report["odd"])
            print(f"{mode:8} {name:13} all  {whole.cell()}")
            print(f"{'':8} {'':13} even {report['even'].cell()}")
            print(f"{'':8} {'':13} odd  {report['odd'].cell()}   index: {report['build']}")
            kinds = ", ".join(f"{kind} {n}" for kind, n in report["kinds"].items())
            print(f"{'':8} {'':13} answerable missed: {kinds}")
            lines = report["lines"]
            print(
                f'{"":8} {"":13} answer lines ("57 — Boston Police …"): {lines["given"]}, '
                f"{lines['right']} of them stating one of the question's answers"
            )
            if misses:
                print(misses)


if __name__ == "__main__":
    main()
