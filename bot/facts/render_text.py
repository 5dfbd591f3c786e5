"""Plain-text fact cards: one block per measure and period, every claim with who makes it."""

from __future__ import annotations

from bot.citation import cite
from bot.facts.models import Fact, FactLookup
from bot.terminal import inline, printable
from index.layout import LINE_BREAK

_INDENT = " " * 4


def render_card(result: FactLookup, quotes: bool = True) -> str:
    """The card; with `quotes`, each claim's quote and citation follow it. Control characters
    are shown as escapes, as in answers."""
    if not result.facts:
        lines = [result.note]
        if result.suggestions:
            lines.append(f"Closest measures: {'; '.join(result.suggestions)}.")
        return printable("\n".join(lines))
    lines: list[str] = []
    for group in result.groups:
        if lines:
            lines.append("")
        period = f", {group.period}" if group.period else ""
        verdict = "the sources disagree" if group.conflict else "fact"
        heading = f"{group.measure}{period} ({group.facts[0].subject})"
        lines.append(f"{inline(heading)}: {verdict}")
        width = max(len(inline(f.value)) for f in group.facts)
        for fact in group.facts:
            lines.append(f"  {inline(fact.value):<{width}}  claimed by {inline(fact.claimed_by)}")
            if quotes:
                lines.extend(_quote(result, fact))
    return printable("\n".join(lines))


def _quote(result: FactLookup, fact: Fact) -> list[str]:
    meta = result.sources.get(fact.source)
    where = (
        cite(meta.title, meta.publisher, meta.date, fact.source, fact.line)
        if meta
        else f"{inline(fact.source)}, line {fact.line}"
    )
    quoted = [f"{_INDENT}> {line}" for line in LINE_BREAK.split(fact.quote)]
    note = [f"{_INDENT}note: {fact.note}"] if fact.note else []
    return [*quoted, f"{_INDENT}  — {where}", *note]
