"""Plain text (`.txt`): news pages saved as text, notes, hard-wrapped prose.

Plain text has no markup to parse, so structure comes from the lines themselves
(index/layout.py): short capitalised lines are headings, `|`-lines are table rows, a line of
repeated `=`, `-` or `~` underlines a heading, and a question on a line of its own with its
answer on the next is an FAQ entry. The news-page chrome rules (navigation words, a repeated
headline, a run of link headlines, an author bio, photo credits) are this reader's and the
HTML reader's only: a Markdown or reStructuredText document has no such furniture.
"""

from __future__ import annotations

import itertools

from index.layout import (
    CHROME_KINDS,
    DATELINE,
    Line,
    classify,
    is_table_separator,
    photo_credit_start,
    split_lines,
)
from index.models import Chrome
from index.readers.document import Block, DocumentInfo, Found, ReadDocument
from index.readers.pipe_cells import split_cells
from index.sentences import split_sentences, strip_span

_MAX_QUESTION_CHARS = 200


class PlainTextReader:
    format = "text"

    def read(self, text: str) -> ReadDocument:
        lines = classify(split_lines(text))
        chrome = _chrome(lines)
        return ReadDocument(
            format=self.format,
            text=text,
            blocks=_blocks(text, lines, chrome),
            chrome=chrome,
            info=_info(lines),
        )


def _chrome(lines: list[Line]) -> list[Chrome]:
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


def _questions(text: str, lines: list[Line]) -> set[int]:
    """Line numbers of FAQ questions: a one-sentence question line whose next non-blank line
    is prose that does not ask."""
    content = [ln for ln in lines if ln.kind != "blank"]
    found: set[int] = set()
    for question, answer in itertools.pairwise(content):
        q = question.stripped
        if (
            question.kind == "prose"
            and answer.kind == "prose"
            and q.endswith("?")
            and not answer.stripped.endswith("?")
            and len(q) <= _MAX_QUESTION_CHARS
            and len(split_sentences(text, question.start, question.end)) == 1
        ):
            found.add(question.number)
    return found


def _blocks(text: str, lines: list[Line], chrome: list[Chrome]) -> list[Block]:
    """Blocks in reading order. A prose paragraph runs until a line that ends a sentence
    (news sites put one paragraph on a line; a hard-wrapped one runs on until its last line
    ends with sentence punctuation), or until a photo credit, which is left out."""
    credit_at = [c.start for c in chrome if c.kind == "photo-credit"]
    questions = _questions(text, lines)
    blocks: list[Block] = []
    run: list[Line] = []

    def flush() -> None:
        if not run:
            return
        start, end = run[0].start, run[-1].end
        end = min([end, *(cut for cut in credit_at if start <= cut < end)])
        s, e = strip_span(text, start, end)
        if e > s:
            kind = "question" if len(run) == 1 and run[0].number in questions else "paragraph"
            blocks.append(Block(kind, s, e))
        run.clear()

    for line in lines:
        if line.kind == "prose":
            run.append(line)
            if (
                line.stripped[-1:] in '.!?"”'
                or line.number in questions
                or any(line.start <= cut < line.end for cut in credit_at)
            ):
                flush()
            continue
        flush()
        if line.kind == "heading":
            s, e = strip_span(text, line.start, line.end)
            while s < e and text[s] == "#":
                s += 1
            s, e = strip_span(text, s, e)
            if e > s:
                blocks.append(Block("heading", s, e, level=1 if not blocks else 2))
        elif line.kind in ("table", "table-head") and not is_table_separator(line):
            s, e = strip_span(text, line.start, line.end)
            cells = tuple((c.start, c.end) for c in split_cells(line))
            blocks.append(Block("row", s, e, cells=cells, header=line.kind == "table-head"))
    flush()
    return blocks


def _info(lines: list[Line]) -> DocumentInfo:
    """Title from the first heading line, date from a dateline ("Boston, January 29, 2026")."""
    info = DocumentInfo()
    title = next((ln.stripped.lstrip("#").strip() for ln in lines if ln.kind == "heading"), None)
    if title:
        info.title = Found(title, "first heading")
    dateline = next((ln.stripped for ln in lines if ln.kind == "dateline"), None)
    if dateline and DATELINE.match(dateline):
        info.date = Found(dateline.split(",", 1)[1].strip(), "dateline")
    return info
