"""Fact cards for Discord: a block per measure and period, a line per claim (value, who makes
it, short citation), disagreements marked first. /fact shows the blocks as embed fields; /ask
puts them above its quotes. Every part is escaped and fits the room it is given."""

from __future__ import annotations

from dataclasses import dataclass

from bot.discord import limits
from bot.discord.markdown import block_quote, escape
from bot.facts.models import Fact, FactGroup, FactLookup

DISAGREE = "⚠️ The sources disagree:"
CLOSEST = "**Closest measures:**"
QUOTE_MIN = 60  # a quote trimmed shorter than this says too little to be worth showing
_MORE = "…and {} more claims"
_NAME_MIN = len(DISAGREE) + 20
_BLOCK_EXTRA = len("****\n\n\n")  # bold name, its line break, the blank line between blocks
# Raw lengths before escaping, so a claim line stays one line in any field.
_VALUE, _CLAIMANT, _TITLE, _MEASURE, _SUBJECT = 100, 100, 60, 150, 60


@dataclass(frozen=True)
class CardBlock:
    """One group of claims: a field name and value, both escaped and within their limits."""

    name: str
    value: str


def short_citation(fact: Fact, result: FactLookup) -> str:
    """ "Title", line N: enough to find the quote; the full citation goes with the quote."""
    meta = result.sources.get(fact.source)
    where = f"“{limits.trim(meta.title, _TITLE)}”" if meta else fact.source
    return f"{where}, line {fact.line}"


def claim_line(fact: Fact, result: FactLookup) -> str:
    value = escape(limits.trim(fact.value, _VALUE))
    who = escape(limits.trim(fact.claimed_by, _CLAIMANT))
    return f"**{value}** — {who} · {escape(short_citation(fact, result))}"


def group_name(group: FactGroup, limit: int = limits.FIELD_NAME) -> str:
    """Measure, period and subject; a disagreement is said first, where trimming never reaches."""
    period = f", {group.period}" if group.period else ""
    subject = limits.trim(group.facts[0].subject, _SUBJECT)
    name = escape(f"{limits.trim(group.measure, _MEASURE)}{period} ({subject})")
    return limits.trim(f"{DISAGREE} {name}" if group.conflict else name, limit)


def group_value(group: FactGroup, result: FactLookup, room: int, quotes: bool) -> str:
    """A line per claim, each followed by its quote when `quotes` and the room allows; claims
    that do not fit are counted in a last line instead."""
    room = min(room, limits.FIELD_VALUE)
    lines = [claim_line(f, result) for f in group.facts]
    reserve = len(_MORE.format(len(lines)))
    entries = lines
    if quotes:
        budget = room - reserve - sum(len(line) + 2 for line in lines)
        if budget // len(lines) >= QUOTE_MIN:
            shown_quotes = _fair_quotes([f.quote for f in group.facts], budget)
            entries = [f"{line}\n{q}" for line, q in zip(lines, shown_quotes, strict=True)]
    shown: list[str] = []
    used = 0
    for i, entry in enumerate(entries):
        last = i == len(entries) - 1
        if used + len(entry) > room - (0 if last else reserve + 1):
            break
        shown.append(entry)
        used += len(entry) + 1
    if not shown:
        shown = [limits.trim(entries[0], max(room - reserve - 1, 1))]
    if len(shown) < len(entries):
        shown.append(_MORE.format(len(entries) - len(shown)))
    return limits.trim("\n".join(shown), room)


def _fair_quotes(quotes: list[str], budget: int) -> list[str]:
    """Block quotes sharing `budget`: shortest first, so what a short quote leaves over
    lets a long one show more."""
    shown = [""] * len(quotes)
    for done, i in enumerate(sorted(range(len(quotes)), key=lambda i: len(quotes[i]))):
        shown[i] = block_quote(quotes[i], budget // (len(quotes) - done))
        budget -= len(shown[i])
    return shown


def card_blocks(
    result: FactLookup, room: int, quotes: bool, max_blocks: int = limits.FIELDS
) -> list[CardBlock]:
    """The groups as blocks sharing `room` characters fairly (what one block leaves over goes
    to the next); groups past `max_blocks` are named in a last block."""
    groups = result.groups
    shown = groups if len(groups) <= max_blocks else groups[: max_blocks - 1]
    rest = groups[len(shown) :]
    # Names take at most a third of their block's share, so every group keeps its field.
    name_room = min(limits.FIELD_NAME, max(room // (3 * (len(shown) + bool(rest))), _NAME_MIN))
    names = [group_name(g, name_room) for g in shown]
    if rest:
        names.append(f"…and {len(rest)} more")
    share = (room - sum(len(n) for n in names)) // max(len(names), 1)
    blocks: list[CardBlock] = []
    spare = 0
    for name, group in zip(names, shown, strict=False):
        value = group_value(group, result, max(share + spare, 1), quotes)
        spare = max(share + spare - len(value), 0)
        blocks.append(CardBlock(name, value))
    if rest:
        listed = "; ".join(limits.trim(g.measure, _MEASURE) for g in rest)
        blocks.append(CardBlock(names[-1], limits.trim(escape(listed), max(share + spare, 1))))
    return blocks


def card_text(result: FactLookup, room: int) -> str:
    """The card as Markdown text (bold group names, claim lines, no quotes) within `room`."""
    groups = len(result.groups)
    blocks = card_blocks(result, room - _BLOCK_EXTRA * groups, quotes=False)
    text = "\n\n".join(f"**{b.name}**\n{b.value}" for b in blocks)
    return limits.trim(text, room)


def no_match_text(result: FactLookup) -> str:
    """That nothing matched, and the closest measures to try instead."""
    lines = [f"**{escape(result.note or f'No fact matches “{result.query}”.')}**"]
    if result.suggestions:
        lines.append(CLOSEST)
        lines.extend(f"• {escape(s)}" for s in result.suggestions)
    return "\n".join(lines)
