"""Where a quote that is not in its source nearly is: the hint a moderator gets for a curated
quote not found verbatim, found in time about linear in the source's length.

An edit distance against every stretch of the source (rapidfuzz's partial ratio over the
whole quote) grows with the source's length times the quote's: a long quote missing from a
big source kept `facts check`, and every start, busy for as long as anyone waited (issue 21;
benchmarks/curated_facts.py measures it). Instead:

1. the longest beginning of the quote that the source holds verbatim, and the longest end,
   each found by bisecting on its length with `str.find` (linear time: about 2 × 18 searches
   for a 200 kB quote). A quote copied with one slip is verbatim up to the slip, so this is
   where it lies: the hint shows the source from just before the slip, and the quote there;
2. when neither is long enough to be more than chance (`ANCHOR_CHARS`, or half a short
   quote: a quote wrong from its first words to its last), rapidfuzz's partial ratio of the
   quote's first `PROBE_CHARS` characters, whose cost grows with the source's length only.

The similarity shown is rapidfuzz's ratio of at most `SCORE_CHARS` characters of the quote
and of the source aligned with it, from shortly before the slip.
"""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

PASSAGE_CHARS = 160  # of the source shown
PROBE_CHARS = 64  # of the quote searched for by edit distance: one machine word of bits
ANCHOR_CHARS = 20  # a shorter verbatim beginning or end may be chance
SCORE_CHARS = 1000
_BEFORE = 40  # characters shown before the first difference
_WORD = 40  # at most this far to widen a passage to whole words
_DIFFERS_CHARS = 30  # of the quote shown where it stops being verbatim
_FIRST = "first {:,} characters are verbatim, to line {}; then it reads “{}”"
_LAST = "last {:,} characters are verbatim, from line {}; before, it reads “{}”"


def closest(quote: str, text: str, line_of: Callable[[int], int]) -> str:
    """`(line N, S% alike): “passage”` for the stretch of `text` most like `quote` (which
    `text` does not hold), and where a verbatim beginning or end of the quote stops; or
    `(none alike)`. `line_of(offset)` gives an offset's line."""
    head, head_at = _longest_held(text, lambda n: quote[:n], len(quote))
    tail, tail_at = _longest_held(text, lambda n: quote[len(quote) - n :], len(quote))
    if max(head, tail) >= min(ANCHOR_CHARS, len(quote) // 2 + 1):
        # `start`: where the quote's first character would lie; `parts`: the index in the
        # quote of the first (or, aligned by its end, the last) character that differs.
        if head >= tail:
            start, parts = head_at, head
            where = _FIRST.format(head, line_of(start + parts), _ahead(quote, parts))
        else:
            start, parts = tail_at - (len(quote) - tail), len(quote) - tail - 1
            where = _LAST.format(tail, line_of(tail_at), _behind(quote, parts))
        skip = max(0, parts - _BEFORE)
        begin = max(0, start + skip)
        ours = quote[skip : skip + SCORE_CHARS]
        score = fuzz.ratio(ours, text[begin : begin + len(ours)])
        shown = _shown(text, begin, begin + len(quote) - skip, score, line_of)
        return f"{shown}; the quote's {where}"
    found = fuzz.partial_ratio_alignment(quote[:PROBE_CHARS], text)
    if found is None or found.score == 0:
        return "(none alike)"
    probe = min(len(quote), PROBE_CHARS)
    start, end = (found.dest_start, found.dest_end) if probe <= len(text) else (0, len(text))
    return _shown(text, start, max(end, start + len(quote)), found.score, line_of)


def _ahead(quote: str, at: int) -> str:
    """The quote from `at` on, in a few words."""
    shown = " ".join(quote[at : at + _DIFFERS_CHARS].split())
    return shown + ("…" if at + _DIFFERS_CHARS < len(quote) else "")


def _behind(quote: str, at: int) -> str:
    """The quote up to `at`, included, in a few words."""
    shown = " ".join(quote[max(0, at + 1 - _DIFFERS_CHARS) : at + 1].split())
    return ("…" if at + 1 > _DIFFERS_CHARS else "") + shown


def _longest_held(text: str, piece: Callable[[int], str], longest: int) -> tuple[int, int]:
    """The largest n below `longest` for which `text` holds `piece(n)`, and where: the pieces
    are nested (a quote's beginnings, or its ends), so whether one is held is monotone in n."""
    low, high = 0, longest - 1
    while low < high:
        middle = (low + high + 1) // 2
        if piece(middle) in text:
            low = middle
        else:
            high = middle - 1
    return low, text.find(piece(low))


def _shown(text: str, start: int, end: int, score: float, line_of: Callable[[int], int]) -> str:
    """`text[start:end]` widened to whole words (within reason), its white space collapsed and
    cut to `PASSAGE_CHARS`, with its line and the score."""
    end = min(end, start + PASSAGE_CHARS, len(text))
    floor, ceiling = max(0, start - _WORD), min(len(text), end + _WORD)
    while start > floor and not text[start - 1].isspace():
        start -= 1
    while end < ceiling and not text[end].isspace():
        end += 1
    passage = " ".join(text[start:end].split())
    if len(passage) > PASSAGE_CHARS:
        passage = passage[: PASSAGE_CHARS - 1] + "…"
    # Floored: a stretch that differs by one character in a thousand is not "100% alike".
    return f"(line {line_of(start)}, {int(score)}% alike): “{passage}”"
