"""Candidate facts from prose, written in the curated file's format for a moderator to review.

It finds sentences with a figure or a date, reads the measure after the figure, the year
(named, or "last year" against the source's date), and who says so
(`bot.core.attribution`); and "Role Name" phrases ("Police Commissioner Michael Cox")
for people and their roles. Guesses, not facts: every candidate is meant to be read,
corrected and then pasted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.core.attribution import claimant
from bot.core.expect import YEAR
from bot.facts.book import FactBook
from bot.facts.models import Fact
from bot.facts.numbers import FIGURE, figure_fields, read_figure
from bot.facts.periods import (
    DATE_PHRASE,
    MONTH,
    RELATIVE_YEAR,
    parse_period,
    source_year,
)
from bot.terminal import inline
from index.models import NOT_STATED, SourceMeta
from index.search import Retriever
from index.source_text import Text, line_at
from index.unsafe_text import toml_string

_NAMED_YEAR = re.compile(rf"\b((?:[A-Z][\w’'-]*\s+){{1,4}})of\s+({YEAR.pattern})")
_MEASURE_WORD = re.compile(r"\s*([A-Za-z][\w’'-]*)")
_MEASURE_STOP = frozenset(
    """in from to at on by for that which than and or but it its was were is are he she they
    last this of with since before after when who said wrote says according""".split()
)
_MEASURE_WORDS = 4
_ROLE = (
    r"(?:Commissioner|Mayor|[Ss]pokes(?:wo)?man|[Ss]pokesperson|[Cc]hief|[Cc]zar|Advisor|"
    r"President|Director|Secretary|Governor|Senator|[Cc]lerk)"
)
_NOT_ROLE = r"(?:by|to|from|with|and|the|of|for|in|on|at|said|wrote)"
_NAME = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+"
_ORG = r"(?:the\s+)?(?:[A-Z][\w.]*\s?)+"
_ROLE_NAME = re.compile(
    rf"\b((?:[A-Z][\w.]*\s+|(?!{_NOT_ROLE}\s)[a-z]+\s+(?={_ROLE}))*{_ROLE}(?:\s+for(?:\s+[A-Z]\w*)+)?),?\s+({_NAME})"
)
_NAME_ROLE = re.compile(rf"\b({_NAME}),\s+((?:[a-z]+\s+)*{_ROLE})\s+(?:for|of)\s+({_ORG})")
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*(?:\.[A-Z]\.?)?(?:\s+(?:of|for|the|[A-Z][\w’'-]*))*")
_ORG_WORD = re.compile(r"\b(?:Department|Police|Act|Council|Agency|City|ICE|BPD|Office|Court)\b")


def suggest(book: FactBook, retriever: Retriever, include_known: bool = False) -> list[Fact]:
    """Candidate facts from every prose sentence, minus those already curated."""
    faq_questions = {(f.source, f.question.start) for f in book.faqs}
    known = {(f.source, f.value, f.start) for f in book.facts}
    found: dict[tuple[str, ...], Fact] = {}
    for document in retriever.corpus.documents:
        name, text = document.meta.file, retriever.text(document.meta.file)
        previous = ""
        for passage in document.passages:
            measure = ""
            for sentence in passage.sentences:
                if sentence.kind != "prose" or (name, sentence.start) in faq_questions:
                    continue
                body = text[sentence.start : sentence.end]
                context = f"{previous} {body}"
                for fact, last in _candidates(
                    name, text, sentence.start, body, context, document.meta, measure
                ):
                    measure = last
                    key = (fact.measure.casefold(), fact.period or "", fact.value, fact.claimed_by)
                    if include_known or (name, fact.value, fact.start) not in known:
                        found.setdefault(key, fact)
                previous = body
    return list(found.values())


def _candidates(
    source: str, text: Text, start: int, body: str, context: str, meta: SourceMeta, measure: str
) -> Iterator[tuple[Fact, str]]:
    """Facts one sentence offers, each with the measure a later bare figure ("19") reuses."""
    who = claimant(body, context) or _narrator(meta)
    subject = _subject(body, who, meta)
    dates = [m.span() for m in DATE_PHRASE.finditer(body)]
    figures = [
        m
        for m in FIGURE.finditer(body)
        if not any(s <= m.start() < e for s, e in dates)
        and not YEAR.fullmatch(m.group(0))
        and read_figure(m.group(0)) is not None
    ]
    for i, match in enumerate(figures):
        value = match.group(0)
        upto = figures[i + 1].start() if i + 1 < len(figures) else len(body)
        period = _period(body[match.end() : upto], body, context, meta)
        figure = read_figure(value)
        measure = _measure_after(body, match.end()) or (figure and figure.unit) or measure
        if measure:
            yield _fact(source, text, start, body, subject, measure, period, value, who), measure
    for match in DATE_PHRASE.finditer(body):
        after = _measure_after(body, match.end(), words=6)
        measure_text = f"date: {after}" if after else "date"
        fact = _fact(source, text, start, body, subject, measure_text, None, match.group(0), who)
        yield fact, measure
    for match in _NAMED_YEAR.finditer(body):
        named = match.group(1).strip()
        fact = _fact(source, text, start, body, named, "year", None, match.group(2), who)
        yield fact, measure
    for role, name, org in _roles(body):
        yield (
            _fact(source, text, start, body, org or subject, role, _year(meta), name, who),
            measure,
        )


def _roles(body: str) -> Iterator[tuple[str, str, str | None]]:
    """(role, name, organisation) for "Police Commissioner Michael Cox" and "X, chief for Y"."""
    for match in _ROLE_NAME.finditer(body):
        yield " ".join(match.group(1).split()), match.group(2), None
    for match in _NAME_ROLE.finditer(body):
        org = re.sub(r"^the\s+", "", match.group(3).strip())
        yield " ".join(match.group(2).split()), match.group(1), org


def _fact(
    source: str,
    text: Text,
    start: int,
    body: str,
    subject: str,
    measure: str,
    period: str | None,
    value: str,
    who: str,
) -> Fact:
    return Fact(
        subject=subject,
        measure=measure,
        period=period,
        value=value,
        **figure_fields(value),
        claimed_by=who,
        source=source,
        quote=body,
        start=start,
        end=start + len(body),
        line=line_at(text, start),
    )


def _measure_after(body: str, at: int, words: int = _MEASURE_WORDS) -> str:
    """The few words after a figure that say what it counts: "detainer requests submitted"."""
    found: list[str] = []
    for match in _MEASURE_WORD.finditer(body, at):
        if match.start() != at or match.group(1).lower() in _MEASURE_STOP or len(found) >= words:
            break
        found.append(match.group(1))
        at = match.end()
    return " ".join(found)


def _period(after: str, body: str, context: str, meta: SourceMeta) -> str | None:
    """The year a figure is for: named or "last year" (read against the source's date) after
    it, else in its sentence, else the latest year of the sentences just before."""
    for text in (after, body):
        named = parse_period(text)
        if named.years:
            return min(named.years)
        if named.relative is not None and (year := source_year(meta)) is not None:
            return str(year + named.relative)
    earlier = YEAR.findall(context)
    return earlier[-1] if earlier and not RELATIVE_YEAR.search(body) else None


def _year(meta: SourceMeta) -> str | None:
    year = source_year(meta)
    return str(year) if year else None


def _subject(body: str, who: str, meta: SourceMeta) -> str:
    """The longest capitalised phrase that is not the speaker, a month or a sentence opener."""
    phrases = [
        m.group(0)
        for m in _CAPITALISED.finditer(body)
        if m.start() > 0
        and m.group(0) not in who
        and who not in m.group(0)
        and not MONTH.fullmatch(m.group(0))
        and not YEAR.search(m.group(0))
    ]
    if not phrases:
        return meta.title
    return max(phrases, key=lambda p: (bool(_ORG_WORD.search(p)), len(p)))


def _narrator(meta: SourceMeta) -> str:
    """Who asserts what an article says in its own voice."""
    if meta.publisher != NOT_STATED:
        return meta.publisher
    return f"“{meta.title}” (publisher not stated)"


def to_toml(facts: list[Fact]) -> str:
    """Candidates as `[[fact]]` tables, each headed by where it was found; ready to paste.
    The heading is a comment: a line break in the file's name is shown as an escape, or its
    rest would be a line of TOML."""
    blocks = []
    for fact in facts:
        fields = {
            "subject": fact.subject,
            "measure": fact.measure,
            "period": fact.period,
            "value": fact.value,
            "claimed_by": fact.claimed_by,
            "source": fact.source,
            "quote": fact.quote,
        }
        lines = [f"# {inline(fact.source)}, line {fact.line}", "[[fact]]"]
        lines += [f"{key} = {toml_string(v)}" for key, v in fields.items() if v]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
