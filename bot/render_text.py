"""Plain-text rendering of answers for the terminal: control characters made visible."""

from __future__ import annotations

from bot.citation import cite
from bot.facts.render_text import render_card
from bot.models import Answer, Snippet
from bot.terminal import printable
from index.layout import LINE_BREAK

_HEADINGS = {
    "answered": "From the sources:",
    "conflict": "The sources disagree:",
    "no_answer": "The sources don't say.",
}


def citation(snippet: Snippet) -> str:
    """ "Title", publisher, date, file line N."""
    return cite(snippet.title, snippet.publisher, snippet.date, snippet.source, snippet.line)


def render_answer(answer: Answer) -> str:
    """Quotes as in the source, line breaks included (the terminal wraps them), and anything
    a terminal would act on (escape sequences, a lone CR) shown as an escape instead."""
    lines = [render_card(answer.facts, quotes=False), ""] if answer.facts else []
    lines.append(_HEADINGS[answer.status])
    for snippet in answer.snippets:
        quote = "\n".join(f"  > {line}" for line in LINE_BREAK.split(snippet.quote))
        lines.append("")
        if snippet.claimed_by:
            lines.append(f"  Claimed by {snippet.claimed_by}:")
        lines.append(quote)
        lines.append(f"    — {citation(snippet)}")
    if answer.note:
        lines.extend(["", f"Note: {answer.note}"])
    return printable("\n".join(lines))
