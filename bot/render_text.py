"""Plain-text rendering of answers for the terminal: control characters made visible.

It only lays out what composition decided (bot/core/compose.py): the answer line, then each
quote once with its citation, then where else the sources say the same.
"""

from __future__ import annotations

from collections import defaultdict

from bot.citation import cite
from bot.models import Answer, Corroboration, Snippet
from bot.terminal import inline, printable
from index.layout import LINE_BREAK

_HEADINGS = {
    "answered": "From the sources:",
    "conflict": "The sources disagree:",
    "no_answer": "The sources don't say.",
}


def citation(snippet: Snippet) -> str:
    """ "Title", publisher, date (file, line N): what the source does not state left out."""
    return cite(snippet.title, snippet.publisher, snippet.date, snippet.source, snippet.line)


def shown_text(snippet: Snippet) -> str:
    """What a quote reads as: a table row as "label: value", anything else as written."""
    if snippet.table_row:
        label, *values = snippet.table_row
        return f"{label}: {' · '.join(values)}"
    return snippet.quote


def also_stated(corroborations: list[Corroboration]) -> list[str]:
    """ "Also stated in: file lines 2, 19": one line per source."""
    lines: dict[str, list[int]] = defaultdict(list)
    for c in corroborations:
        if c.line not in lines[c.source]:
            lines[c.source].append(c.line)
    return [
        f"{inline(source)} line{'s' if len(found) > 1 else ''} {', '.join(map(str, sorted(found)))}"
        for source, found in lines.items()
    ]


def render_answer(answer: Answer) -> str:
    """Quotes as in the source, line breaks included (the terminal wraps them), and anything
    a terminal would act on (escape sequences, a lone CR) shown as an escape instead."""
    lines = [inline(answer.answer) if answer.answer else _HEADINGS[answer.status]]
    conflict = answer.status == "conflict"
    for claims in answer.quotes():
        lines.append("")
        for snippet in claims if conflict else ():
            who = inline(snippet.claimed_by or "an unnamed party")
            if snippet.value:
                lines.append(f"  {inline(snippet.value)} — {who}:")
            elif snippet.claimed_by:
                lines.append(f"  Claimed by {who}:")
        lines.extend(f"  > {line}" for line in LINE_BREAK.split(shown_text(claims[0])))
        lines.append(f"    — {citation(claims[0])}")
    if answer.corroborated_by:
        lines.extend(["", f"  Also stated in: {'; '.join(also_stated(answer.corroborated_by))}"])
    if answer.note and not (conflict and answer.answer):
        lines.extend(["", f"Note: {answer.note}"])
    return printable("\n".join(lines))
