"""FAQ blocks of a source: a question on a line of its own, then the line that answers it.

FAQ answers are the publisher's own reply to a question, so a user's question that closely
matches one deserves that answer first.
"""

from __future__ import annotations

import itertools

from index.layout import Line
from index.models import FaqEntry, Span
from index.sentences import split_sentences, strip_span

_MAX_QUESTION_CHARS = 200


def extract_faqs(source: str, text: str, lines: list[Line]) -> list[FaqEntry]:
    """Pairs of a one-sentence question line and the prose line right after it."""
    lines = [ln for ln in lines if ln.kind != "blank"]
    entries: list[FaqEntry] = []
    for question, answer in itertools.pairwise(lines):
        q = question.stripped
        if (
            question.kind == "prose"
            and answer.kind == "prose"
            and q.endswith("?")
            and not answer.stripped.endswith("?")
            and len(q) <= _MAX_QUESTION_CHARS
            and len(split_sentences(text, question.start, question.end)) == 1
        ):
            entries.append(
                FaqEntry(
                    source=source,
                    question=_span(text, question.start, question.end),
                    answer=_span(text, answer.start, answer.end),
                    line=question.number,
                    answer_line=answer.number,
                )
            )
    return entries


def _span(text: str, start: int, end: int) -> Span:
    s, e = strip_span(text, start, end)
    return Span(start=s, end=e)
