"""How fast each document reader parses the real collections, and what the HTML parsers the
issue named cost on the same pages in the same run. Outside the tests.

    pip install -c constraints.txt -e '.[bench]'          # lxml and selectolax
    python benchmarks/readers.py [--corpora ../shared/corpora] [--rounds 5]

Readers (index/readers/): plain text over the seed `sources/`, reStructuredText over
python-faq, Markdown over pydis-site-guides, HTML over sqlite-docs-html, each file read by
`read_document` as a build reads it. HTML candidates over the same pages: html.parser
tokenizing alone (the events html_page.py builds its tree from), lxml.html building its tree,
selectolax (Lexbor) building its tree; and, beside them, html_page.py's whole reading (tree,
visible text with its map to the file, chrome, blocks). Whether a candidate gives source
offsets is asked of its own API on a two-line page, not written down here.

Files are read into memory first; every timing is the median of `--rounds` rounds, the
candidates interleaved within each round (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

from index.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
COLLECTIONS = {
    "sources (seed)": (ROOT / "sources", "*.txt"),
    "python-faq": (Path("python-faq/docs"), "*.rst"),
    "pydis-site-guides": (Path("pydis-site-guides/docs"), "*.md"),
    "sqlite-docs-html": (Path("sqlite-docs-html/docs"), "*.html"),
}
# Each reader's parsing library, for the table's version column.
LIBRARIES = {".txt": "", ".rst": "docutils", ".md": "markdown-it-py", ".html": ""}
_TWO_LINES = "<p>first</p>\n<p>second <b>bold</b></p>"
# What a node's position would be called, in the parsers' APIs.
_POSITION_NAMES = frozenset(
    "sourceline line lineno line_number position pos offset start end span source_pos".split()
)


def default_corpora() -> Path:
    """../shared/corpora beside the checkout, or beside any folder above it (a worktree)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    return ROOT.parent / "shared" / "corpora"


def load(folder: Path, pattern: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob(pattern))}


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def version_of(package: str) -> str:
    try:
        return f"{package} {metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return f"{package} (not installed)"


# --- HTML candidates -----------------------------------------------------------------------


class _Tokens(HTMLParser):
    """html.parser with nothing done per event: what tokenizing alone costs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)


class _Positions(HTMLParser):
    """html.parser noting where each text run starts, as html_page.py asks it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: dict[str, tuple[int, int]] = {}

    def handle_data(self, data: str) -> None:
        self.found[data] = self.getpos()


def parse_html_parser(text: str) -> None:
    tokens = _Tokens()
    tokens.feed(text)
    tokens.close()


def parse_lxml(text: str) -> None:
    import lxml.html

    lxml.html.document_fromstring(text)


def parse_selectolax(text: str) -> None:
    from selectolax.lexbor import LexborHTMLParser

    LexborHTMLParser(text).body  # noqa: B018 (the tree is built on first access)


def read_html_page(text: str) -> None:
    read_document("page.html", text)


def offsets_html_parser() -> str:
    parser = _Positions()
    parser.feed(_TWO_LINES)
    parser.close()
    line, column = parser.found["bold"]
    return f"yes: line and column of every tag, text run and entity (`bold` at {line}:{column})"


def offsets_lxml() -> str:
    import lxml.html

    bold = lxml.html.fragment_fromstring(_TWO_LINES, create_parent="div").find(".//b")
    line = getattr(bold, "sourceline", None)
    return f"line of each element only (`<b>` on line {line}), none for text" if line else "none"


def offsets_selectolax() -> str:
    from selectolax.lexbor import LexborHTMLParser

    bold = LexborHTMLParser(_TWO_LINES).css_first("b")
    names = sorted(_POSITION_NAMES & set(dir(bold)))
    return f"some: {', '.join(names)}" if names else "none (no position in the node API)"


HTML_CANDIDATES: dict[str, tuple[str, Callable[[str], None], Callable[[], str]]] = {
    "html.parser (tokens only)": ("", parse_html_parser, offsets_html_parser),
    "lxml.html (tree)": ("lxml", parse_lxml, offsets_lxml),
    "selectolax Lexbor (tree)": ("selectolax", parse_selectolax, offsets_selectolax),
}


# --- the runs ------------------------------------------------------------------------------


def rate(files: dict[str, str], seconds: float) -> str:
    megabytes = sum(len(t.encode("utf-8")) for t in files.values()) / 1e6
    return f"{len(files) / seconds:,.0f} files/s, {megabytes / seconds:.2f} MB/s"


def bench_readers(corpora: Path, rounds: int) -> dict[str, dict[str, str]]:
    loaded = {}
    for name, (folder, pattern) in COLLECTIONS.items():
        files = load(folder if folder.is_absolute() else corpora / folder, pattern)
        if files:
            loaded[name] = files
        else:
            print(f"(skipped {name}: no {pattern} in {corpora / folder})")
    times: dict[str, list[float]] = {name: [] for name in loaded}
    for _ in range(rounds):
        for name, files in loaded.items():
            times[name].append(
                timed(lambda files=files: [read_document(n, t) for n, t in files.items()])
            )
    print("\n| collection | files | MB | reader (library) | median time | rate |")
    print("|---|---|---|---|---|---|")
    for name, files in loaded.items():
        suffix = Path(next(iter(files))).suffix
        library = version_of(LIBRARIES[suffix]) if LIBRARIES[suffix] else "standard library"
        megabytes = sum(len(t.encode("utf-8")) for t in files.values()) / 1e6
        median = statistics.median(times[name])
        print(
            f"| {name} | {len(files)} | {megabytes:.2f} | {suffix} ({library}) "
            f"| {median * 1000:.0f} ms | {rate(files, median)} |"
        )
    return loaded


def bench_html(pages: dict[str, str], rounds: int) -> None:
    runs: dict[str, Callable[[str], None]] = {}
    offsets: dict[str, str] = {}
    for name, (package, parse, offsets_of) in HTML_CANDIDATES.items():
        try:
            parse(_TWO_LINES)
        except ImportError:
            print(f"(skipped {name}: {package} is not installed; pip install -e '.[bench]')")
            continue
        runs[name] = parse
        offsets[name] = offsets_of()
    runs["html_page.py (whole reading)"] = read_html_page
    offsets["html_page.py (whole reading)"] = "file span of every character of the visible text"
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, parse in runs.items():
            times[name].append(timed(lambda parse=parse: [parse(t) for t in pages.values()]))
    megabytes = sum(len(t.encode("utf-8")) for t in pages.values()) / 1e6
    print(f"\nHTML parsers over the same {len(pages)} pages ({megabytes:.2f} MB):\n")
    print("| parser | version | median time | rate | source offsets |")
    print("|---|---|---|---|---|")
    for name in runs:
        package = HTML_CANDIDATES[name][0] if name in HTML_CANDIDATES else ""
        shown = version_of(package) if package else f"Python {platform.python_version()}"
        median = statistics.median(times[name])
        print(
            f"| {name} | {shown} | {median * 1000:.0f} ms | {rate(pages, median)} "
            f"| {offsets[name]} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {args.rounds} rounds, median of each; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    loaded = bench_readers(args.corpora, args.rounds)
    if "sqlite-docs-html" in loaded:
        bench_html(loaded["sqlite-docs-html"], args.rounds)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
