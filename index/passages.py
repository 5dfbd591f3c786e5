"""Blocks of a read document → the quotable sentences and the passages BM25 retrieves.

Format-blind: whatever the reader, a paragraph or list item is split into sentences, a table
row or a code block is one unit (a code block is never split, so no quote starts or ends
inside one), and an FAQ question starts a passage so that it stays with its answer. The
sentences of a paragraph wholly in bold are a run-in label's ("**Output:**", an FAQ entry
stated as a problem: "(24) My WHERE clause … does not work."), which no quote runs into.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from index.models import Passage, Sentence
from index.readers.document import ReadDocument, heading_text, is_heading, line_finder
from index.sentences import split_sentences

# A passage gathers sentences of one section until it has this many words or sentences;
# short paragraphs (one-line news paragraphs) are merged so a passage keeps its context.
PASSAGE_MIN_WORDS = 60
PASSAGE_MAX_SENTENCES = 4

# A sentence as the build keeps it: start, end, line, kind. Plain tuples rather than pydantic
# `Sentence`s: the build makes hundreds of thousands and validating each one cost seconds,
# while the index stores them as integer rows anyway (index/passage_table.py).
SentenceRow = tuple[int, int, int, str]


@dataclass(frozen=True, slots=True)
class PassageRow:
    """A passage as the build keeps it: its span, heading and sentences, no validation."""

    start: int
    end: int
    heading: str | None
    sentences: list[SentenceRow]

    def passage(self, source: str) -> Passage:
        """The pydantic `Passage`, for callers that want whole documents (index/ingest.py)."""
        return Passage(
            source=source,
            start=self.start,
            end=self.end,
            sentences=[Sentence(start=s, end=e, line=ln, kind=k) for s, e, ln, k in self.sentences],
            heading=self.heading,
        )


class _Unit(NamedTuple):
    """One content block's sentences, with its section's number and heading."""

    section: int
    heading: str | None
    sentences: list[SentenceRow]


def _units(doc: ReadDocument, title: str | None, line_of: Callable[[int], int]) -> list[_Unit]:
    """Each content block's sentences, with its section's number (0 before the first
    heading, then one more at each heading: two sections may have one title) and heading
    (the document's `title` before the first heading)."""
    text = doc.text
    units: list[_Unit] = []
    heading = title
    section = 0
    code_starts = [s for s, _ in doc.code_spans]
    for block in doc.blocks:
        if is_heading(block):
            heading = heading_text(text, block)
            section += 1
            continue
        if block.kind == "row":
            if not block.header:
                row = (block.start, block.end, line_of(block.start), "table")
                units.append(_Unit(section, heading, [row]))
        elif block.kind == "code":
            code = (block.start, block.end, line_of(block.start), "code")
            units.append(_Unit(section, heading, [code]))
        else:
            first = max(0, bisect_right(code_starts, block.start) - 1)
            inside = doc.code_spans[first : bisect_right(code_starts, block.end)]
            spans = split_sentences(text, block.start, block.end, inside)
            sentences = [
                (s, e, line_of(s), _kind(text, e, block.emphasized))
                for s, e in spans
                if _says_something(text[s:e])
            ]
            units.append(_Unit(section, heading, sentences))
    return [unit for unit in units if unit.sentences]


def _says_something(sentence: str) -> bool:
    """A sentence with no letter or digit (SQLite's pages show a stray ")^" after a table, a
    Markdown line of "…") answers nothing: no quote holds it, alone or opening a window."""
    return any(ch.isalnum() for ch in sentence)


def _kind(text: str, end: int, label: bool) -> str:
    """The kind of the (non-empty) sentence ending at `end`: a question, a run-in label's
    (`Block.emphasized`, which no quote runs into) or prose."""
    if text[end - 1] == "?":
        return "question"
    return "label" if label else "prose"


def passage_rows(doc: ReadDocument, title: str | None = None) -> list[PassageRow]:
    """Group the sentences of each section into passages of a few sentences each.

    A passage never spans two sections nor chrome (a rule, a menu), nor mixes table rows with
    prose, and an FAQ question starts a passage so that it stays with its answer; a code block
    stays in the passage of the sentence that introduces it.
    Sentences before the first heading are the `title`'s.
    """
    text = doc.text
    passages: list[PassageRow] = []
    pending: list[SentenceRow] = []
    heading: str | None = None
    chrome = sorted(c.start for c in doc.chrome)

    def emit() -> None:
        if pending:
            passages.append(PassageRow(pending[0][0], pending[-1][1], heading, list(pending)))
            pending.clear()

    section = -1
    for number, named, unit in _units(doc, title, line_finder(doc)):
        first_kind = unit[0][3]
        if pending and (
            number != section
            or first_kind == "question"
            or (first_kind == "table") != (pending[-1][3] == "table")
            or (first_kind != "code" and _words(text, pending) >= PASSAGE_MIN_WORDS)
            or _between(chrome, pending[-1][1], unit[0][0])
        ):
            emit()
        section, heading = number, named
        for sentence in unit:
            if len(pending) >= PASSAGE_MAX_SENTENCES and sentence[3] not in ("table", "code"):
                emit()
            pending.append(sentence)
    emit()
    return passages


def _between(starts: list[int], end: int, start: int) -> bool:
    """Whether a span of chrome starts between two blocks (`starts`: sorted chrome starts)."""
    at = bisect_right(starts, end - 1)
    return at < len(starts) and starts[at] < start


def _words(text: str, sentences: list[SentenceRow]) -> int:
    return sum(len(text[s:e].split()) for s, e, _, _ in sentences)
