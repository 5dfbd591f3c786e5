"""Turn classified lines into quotable sentences and the passages BM25 retrieves."""

from __future__ import annotations

from dataclasses import dataclass

from index.layout import CHROME_KINDS, Line, line_breaks, photo_credit_start
from index.models import Chrome, Passage, Sentence
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


def find_chrome(lines: list[Line]) -> list[Chrome]:
    """Chrome spans: whole chrome lines, plus photo credits at the end of caption lines."""
    spans: list[Chrome] = []
    for line in lines:
        if line.kind in CHROME_KINDS and line.end > line.start:
            spans.append(Chrome(start=line.start, end=line.end, kind=line.kind))
        elif line.kind == "prose":
            credit = photo_credit_start(line)
            if credit is not None:
                spans.append(Chrome(start=credit, end=line.end, kind="photo-credit"))
    return spans


def _paragraphs(
    text: str, lines: list[Line], chrome: list[Chrome]
) -> list[tuple[str | None, list[SentenceRow]]]:
    """Sentences grouped by paragraph, each with its section heading.

    A table row is its own paragraph, and so is a line that ends a sentence: news sites put
    one paragraph on a line, while a hard-wrapped paragraph runs on until its last line ends
    with sentence punctuation. A caption ends at its photo credit, which is left out.
    """
    credit_at = [c.start for c in chrome if c.kind == "photo-credit"]
    paragraphs: list[tuple[str | None, list[SentenceRow]]] = []
    block: list[Line] = []
    heading: str | None = None

    def flush() -> None:
        if not block:
            return
        start, end = block[0].start, block[-1].end
        end = min([end, *(cut for cut in credit_at if start <= cut < end)])
        first_line = block[0].number
        spans = split_sentences(text, start, end)
        if len(block) == 1:  # a paragraph on one line (news, most prose): no breaks to count
            sentences = [(s, e, first_line, _kind(text, e)) for s, e in spans]
        else:
            sentences = [
                (s, e, first_line + line_breaks(text, start, s), _kind(text, e)) for s, e in spans
            ]
        if sentences:
            paragraphs.append((heading, sentences))
        block.clear()

    for line in lines:
        if line.kind == "prose":
            block.append(line)
            if line.stripped[-1:] in '.!?"”' or (
                credit_at and any(line.start <= cut < line.end for cut in credit_at)
            ):
                flush()
            continue
        flush()
        if line.kind == "heading":
            heading = line.stripped.lstrip("#").strip()
        elif line.kind == "table":
            s = line.start + (len(line.text) - len(line.text.lstrip()))
            e = line.start + len(line.text.rstrip())
            paragraphs.append((heading, [(s, e, line.number, "table")]))
    flush()
    return paragraphs


def _kind(text: str, end: int) -> str:
    """The kind of the (non-empty) sentence ending at `end`."""
    return "question" if text[end - 1] == "?" else "prose"


def passage_rows(text: str, lines: list[Line], chrome: list[Chrome]) -> list[PassageRow]:
    """Group the sentences of each section into passages of a few sentences each.

    A passage never spans two sections, nor mixes table rows with prose, and an FAQ question
    starts a passage so that it stays with its answer.
    """
    passages: list[PassageRow] = []
    pending: list[SentenceRow] = []
    heading: str | None = None

    def emit() -> None:
        if pending:
            passages.append(PassageRow(pending[0][0], pending[-1][1], heading, list(pending)))
            pending.clear()

    for section, paragraph in _paragraphs(text, lines, chrome):
        first_kind = paragraph[0][3]
        if pending and (
            section != heading
            or first_kind == "question"
            or (first_kind == "table") != (pending[-1][3] == "table")
            or _words(text, pending) >= PASSAGE_MIN_WORDS
        ):
            emit()
        heading = section
        for sentence in paragraph:
            if len(pending) >= PASSAGE_MAX_SENTENCES and sentence[3] != "table":
                emit()
            pending.append(sentence)
    emit()
    return passages


def _words(text: str, sentences: list[SentenceRow]) -> int:
    return sum(len(text[s:e].split()) for s, e, _, _ in sentences)
