"""Split a run of prose into sentences, keeping exact character offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

# A candidate boundary: terminal punctuation, closing quotes or brackets, then white space and
# something that can open a sentence.
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr inc ltd co corp vs etc no nos gen gov sen rep lt col capt sgt
    mt ft fig al approx dept est jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k
    e.g i.e a.m p.m d.c""".split()
)
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")
# A number or numeral that opens a block ("4. Removal of duplicate rows", "3.1. Affinity",
# "IV. Results"): it numbers the sentence after it, and is no sentence of its own.
_ENUMERATOR = re.compile(r"\s*(?:\d{1,3}(?:\.\d{1,3})*|[IVXivx]{1,4})")


# Longer than any abbreviation: a period after this many word characters or dots ends a
# sentence, which a slice and two C-speed checks tell without the regex search.
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the period at `dot` ends an abbreviation or an initial, not a sentence."""
    before = text[dot - _LONGEST_ABBREVIATION - 1 : dot] if dot > _LONGEST_ABBREVIATION else ""
    letters = before.replace(".", "").replace("_", "")  # [\w.] is isalnum(), "_" or "."
    if before and (not letters or letters.isalnum()):
        return False
    match = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if not match:
        return False
    word = match.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(
    text: str, start: int, end: int, unbroken: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, int]]:
    """Sentence spans inside `text[start:end]`, stripped of surrounding white space. No
    sentence ends inside a span of `unbroken` (sorted, not overlapping: inline code such as
    `os.path. Join`, whose dots are not full stops)."""
    spans: list[tuple[int, int]] = []
    cursor = start
    firsts = [s for s, _ in unbroken]
    for match in _BOUNDARY.finditer(text, start, end):
        first_dot = match.start()
        if match.group(0) == "." and _is_abbreviation(text, first_dot):
            continue
        if firsts:
            at = bisect_right(firsts, first_dot) - 1
            if at >= 0 and first_dot < unbroken[at][1]:
                continue
        if cursor == start and _ENUMERATOR.fullmatch(text, start, first_dot):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    stripped = []
    for s, e in spans:
        # `strip_span` at C speed: str.strip() drops exactly what str.isspace() calls space.
        piece = text[s:e]
        kept = piece.strip()
        if kept:
            first = s + len(piece) - len(piece.lstrip())
            stripped.append((first, first + len(kept)))
    return stripped


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` narrowed to exclude white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
