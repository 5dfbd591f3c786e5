"""Classify each line of a source: content, a heading, a table row, or page chrome.

Cleaning happens here, at ingestion, as spans over the untouched text: the chrome spans are
never indexed nor quoted, and every other offset still points into the original file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LineKind = Literal[
    "blank",
    "prose",
    "heading",
    "dateline",
    "table",
    "table-head",
    "navigation",
    "repeated-headline",
    "link-list",
    "author-bio",
    "rule",
]
CHROME_KINDS: frozenset[str] = frozenset(
    {"navigation", "repeated-headline", "link-list", "author-bio", "photo-credit"}
)

# Lines that are site navigation when they stand alone.
_NAV_WORDS = frozenset(
    """close menu share print email search subscribe advertisement home back next previous
    tweet facebook twitter reddit linkedin whatsapp copy link""".split()
) | {"skip to content", "skip to main content", "sign in", "log in", "read more", "copy link"}
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
DATELINE = re.compile(rf"^[A-Z][\w .'-]{{0,40}},\s+(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}$")
_AUTHOR = re.compile(r"^(?:author|about the author|written by|posted by)\s*:", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(
    r"(?:\(\s*)?\b(?:photo|photograph|image|picture)s?\s*(?:credit)?\s*(?::|by\b)[^\n]*$"
    r"|(?:\(\s*)?\bcredit\s*:[^\n]*$",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?:;\"”’)\]]$")
# A pipe table's header separator (`|---|:--:|`): each cell two or more dashes, optionally
# aligned with colons. A row of one-dash cells (`| - | - |`) is a body row of empty values.
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
# A line of one punctuation character repeated: a heading's underline or overline (Setext,
# reStructuredText) or a horizontal rule. Never content.
_RULE = re.compile(r"^([=\-~^*+#_`'\".:])\1{2,}$")
_LINK_LIST_MIN = 3
# An author bio is at most this share of a page's non-blank lines, or this many of them.
_BIO_SHARE = 0.25
_BIO_LINES = 8
_TITLE_MAX_CHARS = 120


@dataclass(frozen=True)
class Line:
    """One line of a source: `text[start:end]` without its line break."""

    number: int
    start: int
    end: int
    text: str
    kind: LineKind = "prose"

    @property
    def stripped(self) -> str:
        return self.text.strip()


# What ends a line, as Python's universal newlines and editors read it: CRLF (Windows), LF
# (Unix) and a lone CR (old Mac OS). Every line number the project reports counts these.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_breaks(text: str, start: int = 0, end: int | None = None) -> int:
    """Line breaks in `text[start:end]`, a CRLF counting once; `start` must not split a CRLF.
    Three C-speed counts rather than a regex scan: this runs for every quote and sentence."""
    end = len(text) if end is None else end
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


def line_of_offset(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return line_breaks(text, 0, offset) + 1


BOM = "\ufeff"


def split_lines(text: str) -> list[Line]:
    """Lines with offsets; a line's text excludes its line break (CRLF, LF or a lone CR). A
    byte order mark stays in the text, so offsets count it, but it is no part of line 1."""
    lines: list[Line] = []
    pos = 1 if text.startswith(BOM) else 0
    for number, found in enumerate(LINE_BREAK.finditer(text), start=1):
        lines.append(Line(number, pos, found.start(), text[pos : found.start()]))
        pos = found.end()
    lines.append(Line(len(lines) + 1, pos, len(text), text[pos:]))
    return lines


def _is_title_like(line: str) -> bool:
    """A short line without sentence punctuation: a heading, a headline or a link."""
    return bool(line) and len(line) <= _TITLE_MAX_CHARS and not _TERMINAL.search(line)


def _base_kind(line: Line, seen: set[str]) -> LineKind:
    s = line.stripped
    if not s:
        return "blank"
    if s.lower() in _NAV_WORDS:
        return "navigation"
    if _RULE.match(s):
        return "rule"
    if s.startswith("|"):
        return "table"
    if _MD_HEADING.match(s):
        return "heading"
    if DATELINE.match(s):
        return "dateline"
    if _is_title_like(s) and s in seen:
        return "repeated-headline"
    if _is_title_like(s) and s[:1].isupper() and not s.startswith(("- ", "* ")):
        return "heading"
    return "prose"


def classify(lines: list[Line]) -> list[Line]:
    """Give every line a kind; chrome kinds are those in `CHROME_KINDS`."""
    seen: set[str] = set()
    kinds: list[LineKind] = []
    for line in lines:
        kinds.append(_base_kind(line, seen))
        if line.stripped:
            seen.add(line.stripped)
    _mark_underlined(lines, kinds)
    _mark_wrapped_prose(lines, kinds)
    _mark_tables(lines, kinds)
    _mark_link_lists(kinds)
    _mark_author_bio(lines, kinds)
    return [
        Line(ln.number, ln.start, ln.end, ln.text, kind)
        for ln, kind in zip(lines, kinds, strict=True)
    ]


def _mark_underlined(lines: list[Line], kinds: list[LineKind]) -> None:
    """A text line right above a rule (or between two) is a heading, whatever its case."""
    for i in range(1, len(lines)):
        if kinds[i] == "rule" and kinds[i - 1] in ("prose", "heading"):
            kinds[i - 1] = "heading"


def _mark_wrapped_prose(lines: list[Line], kinds: list[LineKind]) -> None:
    """A 'heading' run straight into more text is a hard-wrapped sentence, unless it is in
    Title Case ("The Boston Trust Act and Its Implications")."""
    for i in range(len(lines) - 1):
        line, nxt = lines[i].stripped, lines[i + 1].stripped
        if kinds[i] != "heading" or not nxt or _MD_HEADING.match(line) or kinds[i + 1] == "rule":
            continue
        if nxt[:1].islower() or not _title_case(line):
            kinds[i] = "prose"


def _title_case(line: str) -> bool:
    """Most words of four letters or more start with a capital (or a digit)."""
    long_words = [w for w in line.split() if len(w) >= 4]
    capitalised = sum(not w[:1].islower() for w in long_words)
    return not long_words or capitalised >= 0.6 * len(long_words)


def _mark_tables(lines: list[Line], kinds: list[LineKind]) -> None:
    """The row above a `|---|` separator, and the separator itself, are table furniture."""
    for i, line in enumerate(lines):
        if kinds[i] == "table" and is_table_separator(line):
            kinds[i] = "table-head"
            if i > 0 and kinds[i - 1] == "table":
                kinds[i - 1] = "table-head"


def is_table_separator(line: Line) -> bool:
    """The line is a pipe table's `|---|` separator: table furniture, never a row."""
    return _TABLE_SEP.match(line.stripped) is not None


def _mark_link_lists(kinds: list[LineKind]) -> None:
    """Three or more heading-like lines in a row (blank lines allowed) are a list of links."""
    i = 0
    while i < len(kinds):
        if kinds[i] != "heading":
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(kinds) and kinds[j] in ("heading", "blank"):
            if kinds[j] == "heading":
                run.append(j)
            j += 1
        if len(run) >= _LINK_LIST_MIN:
            for k in run:
                kinds[k] = "link-list"
        i = j


def _mark_author_bio(lines: list[Line], kinds: list[LineKind]) -> None:
    """An 'Author:' line starts the bio, which runs to the end of the page, when that end is
    short (a bio closes a page); an 'Author:' line with the page still to come is a byline,
    and only it is chrome."""
    content = sum(kind != "blank" for kind in kinds)
    for i, line in enumerate(lines):
        if _AUTHOR.match(line.stripped):
            rest = sum(kind != "blank" for kind in kinds[i:])
            end = len(lines) if rest <= max(_BIO_SHARE * content, _BIO_LINES) else i + 1
            for k in range(i, end):
                if kinds[k] != "blank":
                    kinds[k] = "author-bio"
            return


# Every match of _PHOTO_CREDIT holds one of these words, in some case. Lowercasing finds all
# but one way the regex's IGNORECASE matches them: it also takes "İ" and "ı" for "i".
_CREDIT_WORDS = ("photo", "image", "picture", "credit")
_CREDIT_ODD_CASES = ("\u0130", "\u0131")


def _may_hold_credit(text: str) -> bool:
    """False only for text _PHOTO_CREDIT cannot match: a C-speed check, where the regex tries
    its optional "(" at every character of every prose line (half of ingestion's time)."""
    low = text.lower()
    return any(w in low for w in _CREDIT_WORDS) or any(c in text for c in _CREDIT_ODD_CASES)


def photo_credit_start(line: Line) -> int | None:
    """Offset where a photo credit begins inside a caption line, if there is one."""
    if not _may_hold_credit(line.text):
        return None
    match = _PHOTO_CREDIT.search(line.text)
    return line.start + match.start() if match else None
