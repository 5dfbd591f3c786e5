"""FAQ entries of a read document: a question (a heading or a line that asks) and its answer.

FAQ answers are the publisher's own reply to a question, so a user's question that closely
matches one deserves that answer first. The answer is the first content after the question,
and the content after that too while it is still too short to stand alone ("Yes." is the
whole first paragraph of many FAQ answers, the reason comes next).
"""

from __future__ import annotations

from index.models import FaqEntry, Span
from index.readers.document import Block, ReadDocument, is_heading, line_finder

# An answer shorter than this many words takes the next paragraph too.
ANSWER_MIN_WORDS = 12
_ANSWER_KINDS = ("paragraph", "item")


def extract_faqs(source: str, doc: ReadDocument) -> list[FaqEntry]:
    """Each question block with the paragraphs that open its answer, and where the answer's
    section ends (the next heading or question)."""
    text, blocks = doc.text, doc.blocks
    line_of = line_finder(doc)
    entries: list[FaqEntry] = []
    for i, question in enumerate(blocks):
        if question.kind != "question":
            continue
        answer = []
        for block in blocks[i + 1 :]:
            if is_heading(block) or block.kind not in _ANSWER_KINDS or text[block.end - 1] == "?":
                break
            answer.append(block)
            if sum(len(text[b.start : b.end].split()) for b in answer) >= ANSWER_MIN_WORDS:
                break
        if answer:
            entries.append(
                FaqEntry(
                    source=source,
                    question=Span(start=question.start, end=question.end),
                    answer=Span(start=answer[0].start, end=answer[-1].end),
                    line=line_of(question.start),
                    answer_line=line_of(answer[0].start),
                    section_end=_section_end(blocks[i + 1 :], len(text)),
                )
            )
    return entries


def _section_end(after: list[Block], end: int) -> int:
    """Where an answer's section ends: at the next heading or question, else `end`."""
    return next((b.start for b in after if is_heading(b) or b.kind == "question"), end)
