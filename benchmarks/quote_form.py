"""The form of first quotes, where no gold answer says which is right: how often a first quote
is mostly links, and how often it answers for another subject than the one asked about.

- Mostly links: at least half of the quote's characters lie in link targets, bare URLs or
  image markup (`LINKISH`, this script's own rule, so checkouts are judged alike). A README or
  a guide lists links ("**Source code:** https://github.com/numpy/numpy", a row of badges, a
  table of contents); a quote of their targets says nothing a reader reads.
- Off-subject (READMEs only): a question worded with a package's name whose first quote comes
  from another package's README and does not name it ("which python versions does pytest
  support" answered with idna's "This library supports Python 3.10 and higher").

Measured with whole commands of the checkout (`--code`, default this one), in both modes, over:

- `readmes`: the long descriptions (READMEs, Markdown or reStructuredText) of the packages
  installed in that checkout's `.venv`, which `constraints.txt` pins, so the collection is the
  same on every machine set up from it. Each is asked the same five questions, worded with
  the package's name and nothing drawn from its text (`TEMPLATES`).
- each collection of `benchmarks/collections.py`, asked its own question set (links only).

    .venv/bin/python benchmarks/quote_form.py
    .venv/bin/python benchmarks/quote_form.py --code /path/to/other/checkout
    .venv/bin/python benchmarks/quote_form.py --show "what is {name}"   # first quotes, to read
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.collections import COLLECTIONS, _bot, _python  # noqa: E402

TEMPLATES = (
    "what is {name}",
    "how do i install {name}",
    "what license is {name} under",
    "which python versions does {name} support",
    "how do i report a bug in {name}",
)
MIN_README_CHARS = 1500
# Image markup, a Markdown link's target, a reStructuredText one, a bare URL.
LINKISH = re.compile(
    r"!\[[^\]]*\]\([^)]*\)|\]\([^)\s]*\)|<[^<>\s]+>`_|\b(?:https?|ftp)://[^\s<>\"'`()\[\]]+"
)

_README_SCRIPT = """
import importlib.metadata as md, json, sys
out = []
for d in md.distributions():
    m = d.metadata
    body = m.get_payload() or m.get("Description") or ""
    kind = (m.get("Description-Content-Type") or "").lower()
    suffix = ".md" if "markdown" in kind else ".rst" if ("rst" in kind or not kind) else None
    if suffix and len(body) >= int(sys.argv[1]) and m["Name"].lower() != "quotebot":
        out.append((m["Name"].lower(), suffix, body))
print(json.dumps(sorted(out)))
"""


def readmes(code: Path, folder: Path) -> list[str]:
    """Write the long descriptions of `code`'s installed packages into `folder`; their names."""
    listed = subprocess.run(
        [_python(code), "-c", _README_SCRIPT, str(MIN_README_CHARS)],
        capture_output=True,
        text=True,
        check=True,
    )
    names = []
    for name, suffix, body in json.loads(listed.stdout):
        (folder / f"{name}{suffix}").write_text(body, encoding="utf-8")
        names.append(name)
    return names


def linkish(quote: str) -> bool:
    """Whether at least half of `quote`'s characters (white space aside) are links' targets."""
    shown = len("".join(quote.split()))
    hidden = sum(len("".join(m.group().split())) for m in LINKISH.finditer(quote))
    return shown > 0 and hidden >= shown / 2


def measure(
    code: Path, folder: Path, questions: list[tuple[str | None, str]], semantic: bool
) -> tuple[int, int | None, int]:
    """(first quotes mostly links, first quotes off-subject, questions answered) over
    `folder` in one mode; `questions` are (the package a question names or None, question),
    and the off-subject count is None when no question names one."""
    answered = links = off = 0
    answers = ask(code, folder, [q for _, q in questions], semantic)
    for (package, _), answer in zip(questions, answers, strict=True):
        first = first_quote(answer)
        if first is None:
            continue
        answered += 1
        links += linkish(first["quote"])
        if package is not None:
            off += off_subject(package, first["source"], first["quote"])
    named = any(package is not None for package, _ in questions)
    return links, off if named else None, answered


def first_quote(answer: dict) -> dict | None:
    """An answer's first quote (its JSON), or None when it declined or quotes nothing."""
    snippets = answer.get("snippets") or []
    return None if answer.get("status") == "no_answer" or not snippets else snippets[0]


def ask(code: Path, folder: Path, questions: list[str], semantic: bool) -> list[dict]:
    """`code`'s answers (its JSON lines) to `questions` over `folder` in one mode, from an
    index built afresh."""
    with tempfile.TemporaryDirectory() as cache:
        env = {
            **os.environ,
            "QUOTEBOT_CACHE": cache,
            "PYTHONPATH": str(code),
            "QUOTEBOT_SEMANTIC": "on" if semantic else "off",
        }
        args = ["--sources", str(folder)]
        _bot(code, [*args, "index", "--force"], env)
        out = _bot(code, [*args, "ask", "--jsonl"], env, "\n".join(questions) + "\n")
    return [json.loads(line) for line in out.splitlines()]


def show(code: Path, folder: Path, names: list[str], template: str) -> None:
    """Each README's first quote for `template` in both modes, for a reader to judge where
    no gold answer exists ("what is {name}": does it say what the package is?)."""
    for semantic in (True, False):
        answers = ask(code, folder, [template.format(name=n) for n in names], semantic)
        print(f"\n== {template} ({'semantic' if semantic else 'lexical'})")
        for name, answer in zip(names, answers, strict=True):
            first = first_quote(answer)
            if first is None:
                print(f"{name:20} declined: {answer.get('note', '')[:100]}")
                continue
            quote = " ".join(first["quote"].split())[:110]
            print(f"{name:20} {first['source']}:{first['line']}  {quote}")


def off_subject(package: str, source: str, quote: str) -> bool:
    """Whether a quote answering a question about `package` is from another README and does
    not name it."""
    return Path(source).stem != package and package.lower() not in quote.lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure")
    parser.add_argument(
        "--show",
        metavar="TEMPLATE",
        help='print each README\'s first quote for one question, e.g. "what is {name}"',
    )
    args = parser.parse_args()
    code = args.code.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = readmes(code, folder)
        if args.show:
            show(code, folder, names, args.show)
            return
        print("collection      mode      mostly links  off-subject  answered / asked")
        sets: dict[str, tuple[Path, list[tuple[str | None, str]]]] = {
            f"readmes ({len(names)})": (
                folder,
                [(n, t.format(name=n)) for n in names for t in TEMPLATES],
            )
        }
        for name, path in COLLECTIONS.items():
            lines = (ROOT / "tests" / "eval" / f"{name}.jsonl").read_text().splitlines()
            sets[name] = (path, [(None, json.loads(x)["question"]) for x in lines if x.strip()])
        for name, (path, questions) in sets.items():
            for semantic in (True, False):
                links, off, answered = measure(code, path, questions, semantic)
                mode = "semantic" if semantic else "lexical"
                shown = "-" if off is None else str(off)
                print(
                    f"{name:15} {mode:9} {links:12} {shown:>12}  {answered} / {len(questions)}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
