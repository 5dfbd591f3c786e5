"""Composition: the engine's ranked evidence (quotes, fact claims, an FAQ answer) turned into
the one answer every face renders. The answer leads with the answer itself, then each claim
once: its quote, and where else the sources state it.

Rules, each tested in tests/test_compose.py:
- The answer line states the value and who says so ("57 — Boston Police Department
  (Commissioner Michael Cox), 2025") for how-many / when / who / what-percentage questions
  with one clear answer; a year goes with a figure, never with a name.
- Each claim once: no two quotes from one source give the same figure, and a claim the
  sources repeat is one quote plus "also stated in" lines, not the quote again.
- Conflicts: a quote per distinct claim (value and claimant), the question's own claimant
  first ("according to ICE …"); a claimant the question names who states nothing for that
  period is said so, with what the others say.
"""

from __future__ import annotations

from bot.attribution import names_party
from bot.expect import DATE, Expect, name_runs
from bot.facts.book import FactBook
from bot.facts.models import Fact, FactGroup, FactLookup
from bot.facts.numbers import read_figure
from bot.figures import find_figures
from bot.models import CONFLICT_NOTE, Answer, Corroboration, Snippet, quote_snippet
from bot.question import ParsedQuestion
from index.models import FaqEntry

FAQ_SCORE = 100.0


def claim_key(value: str) -> tuple[float | str, str | None]:
    """What makes two claims the same claim: the number and unit ("two" and "2" agree), or the
    words of a name, case aside."""
    figure = read_figure(value)
    if figure is not None:
        return (float(figure.number), figure.unit)
    return (" ".join(value.casefold().split()), None)


def compose(
    question: ParsedQuestion,
    quoted: Answer,
    card: FactLookup | None,
    faq: FaqEntry | None,
    book: FactBook | None,
) -> Answer:
    """The answer to show: led by the fact card's claims when one matched, else by an FAQ
    answer, else by the engine's quotes; each claim once."""
    if card is not None and card.facts and book is not None:
        return _from_card(question, quoted, card, faq, book)
    snippets = list(quoted.snippets)
    status, note = quoted.status, quoted.note
    if faq is not None and book is not None:
        snippets = [_faq_quote(book, faq), *snippets]
        if status == "no_answer":
            status, note = "answered", ""
    if status == "conflict":
        return quoted.model_copy(
            update={"snippets": _claimant_first(question, _each_claim_once(snippets))}
        )
    snippets, also = _without_repeats(snippets)
    line = _answer_line(question, snippets[0]) if snippets and status == "answered" else None
    return quoted.model_copy(
        update={
            "status": status,
            "note": note,
            "snippets": snippets,
            "answer": line,
            "corroborated_by": also,
        }
    )


# --- fact cards ------------------------------------------------------------------------------


def _from_card(
    question: ParsedQuestion,
    quoted: Answer,
    card: FactLookup,
    faq: FaqEntry | None,
    book: FactBook,
) -> Answer:
    """The best group's claims: one quote per distinct claim, the rest as corroboration. Other
    groups stay in `facts` (the card) for those who want every measure."""
    group = _merged(card.groups)
    facts, repeated = _distinct_facts(_ordered(question, group.facts))
    card = card.model_copy(update={"facts": _distinct_facts(_ordered(question, card.facts))[0]})
    if question.claimant and not any(names_party(question.claimant, f.claimed_by) for f in facts):
        return _claimant_silent(question, quoted, card, group)
    repeats = [_corroboration(book, f) for f in repeated]
    if group.conflict:
        snippets, also = _claims(book, facts)
        also += repeats
        period = f", {group.period}" if group.period else ""
        return quoted.model_copy(
            update={
                "status": "conflict",
                "note": CONFLICT_NOTE,
                "snippets": _claimant_first(question, snippets),
                "answer": f"The sources disagree about {group.measure}{period}.",
                "corroborated_by": also,
                "facts": card,
            }
        )
    lead = facts[0]
    snippets, also = _claims(book, facts)
    also += repeats
    if faq is not None:
        snippets, more = _without_repeats([*snippets, _faq_quote(book, faq)])
        also += more
    return quoted.model_copy(
        update={
            "status": "answered",
            "note": "",
            "snippets": snippets,
            "answer": _role_line(lead) if question.role_of else _fact_line(lead),
            "corroborated_by": also,
            "facts": card,
        }
    )


def _merged(groups: list[FactGroup]) -> FactGroup:
    """The best group, joined by the other groups of its period that state the very same
    claims (a curated "requests ignored" and a table's "Number of Requests Ignored (2025)"):
    one group, not two saying the same thing."""
    best = groups[0]
    claims = {claim_key(f.value) for f in best.facts}
    facts = list(best.facts)
    for other in groups[1:]:
        same = {claim_key(f.value) for f in other.facts} == claims
        if same and _same_period(other.period, best.period):
            facts += other.facts
    return best.model_copy(update={"facts": facts})


def _claimant_silent(
    question: ParsedQuestion, quoted: Answer, card: FactLookup, group: FactGroup
) -> Answer:
    """The question asks what one party says, and the sources give nothing from it: decline,
    saying what the others say instead."""
    period = f" for {group.period}" if group.period else ""
    others = "; ".join(
        dict.fromkeys(f"{f.claimed_by} says {f.value}" for f in _distinct_facts(group.facts)[0])
    )
    note = f"The sources give no figure from {question.claimant}{period}. {others}."
    return quoted.model_copy(
        update={"status": "no_answer", "note": note, "snippets": [], "facts": card}
    )


def _same_period(a: str | None, b: str | None) -> bool:
    """Whether two claims may be about one period: the same one, or one of them undated (a
    table's "Percentage of Requests Ignored | 100%" beside "100% of the time in 2025")."""
    return a == b or a is None or b is None


def _distinct_facts(facts: list[Fact]) -> tuple[list[Fact], list[Fact]]:
    """The facts with the same value from the same source for the same period once (the
    first), and the repeats left out (where else the source says it)."""
    kept: list[Fact] = []
    repeats: list[Fact] = []
    for f in facts:
        repeat = any(
            k.source == f.source
            and claim_key(k.value) == claim_key(f.value)
            and _same_period(k.period, f.period)
            for k in kept
        )
        (repeats if repeat else kept).append(f)
    return kept, repeats


def _ordered(question: ParsedQuestion, facts: list[Fact]) -> list[Fact]:
    """The question's own claimant first, then curated claims (their quotes are sentences)
    before table rows, in the card's order otherwise."""
    return sorted(
        facts,
        key=lambda f: (not names_party(question.claimant, f.claimed_by), f.origin != "curated"),
    )


def _claims(book: FactBook, facts: list[Fact]) -> tuple[list[Snippet], list[Corroboration]]:
    """A quote for the first fact of each distinct claim (value and claimant); the others
    that state it become corroboration."""
    quotes: dict[tuple[object, str], Snippet] = {}
    also: list[Corroboration] = []
    for f in facts:
        key = (claim_key(f.value), f.claimed_by)
        same_value = [s for k, s in quotes.items() if k[0] == key[0]]
        if key in quotes or (same_value and any(s.source == f.source for s in same_value)):
            also.append(_corroboration(book, f))
            continue
        snippet = _quote(book, f.source, f.start, f.end, 100.0, f.claimed_by)
        quotes[key] = snippet.model_copy(update={"value": f.value})
    return list(quotes.values()), also


def _corroboration(book: FactBook, fact: Fact) -> Corroboration:
    return Corroboration(
        value=fact.value,
        claimed_by=fact.claimed_by,
        source=fact.source,
        title=book.metas[fact.source].title,
        line=fact.line,
    )


def _fact_line(fact: Fact) -> str:
    """ "57 — Boston Police Department (Commissioner Michael Cox), 2025": a period goes with a
    figure, not with a name ("ICE spokeswoman" has no year)."""
    period = f", {fact.period}" if fact.period and fact.number is not None else ""
    return f"{fact.value} — {fact.claimed_by}{period}"


def _role_line(fact: Fact) -> str:
    """ "Mariellen Burns — communications chief, Boston Police Department": who holds which
    role, and where (left out when the role names it: "ICE spokeswoman")."""
    where = "" if fact.subject.casefold() in fact.measure.casefold() else f", {fact.subject}"
    return f"{fact.value} — {fact.measure}{where}"


# --- quotes ---------------------------------------------------------------------------------


def _quote(
    book: FactBook,
    source: str,
    start: int,
    end: int,
    score: float,
    claimed_by: str | None = None,
) -> Snippet:
    return quote_snippet(book.texts[source], book.metas[source], start, end, score, claimed_by)


def _faq_quote(book: FactBook, faq: FaqEntry) -> Snippet:
    """An FAQ entry's answer line, quoted (never its question line)."""
    return _quote(book, faq.source, faq.answer.start, faq.answer.end, FAQ_SCORE)


def _figures(snippet: Snippet) -> set[tuple[float | str, str | None]]:
    """The figures a quote states, as claims (shares and counts alike)."""
    return {claim_key(f.text) for f in find_figures(snippet.quote)}


def _overlap(a: Snippet, b: Snippet) -> bool:
    """Whether two quotes share any text of one source."""
    return a.source == b.source and a.start < b.end and b.start < a.end


def _without_repeats(snippets: list[Snippet]) -> tuple[list[Snippet], list[Corroboration]]:
    """Quotes in order, leaving out one that overlaps an earlier quote, and one that gives a
    figure an earlier quote of the same source already gives (it becomes corroboration)."""
    shown: list[Snippet] = []
    also: list[Corroboration] = []
    for s in snippets:
        if any(_overlap(s, t) for t in shown):
            continue
        figures = _figures(s)
        repeat = next(
            (t for t in shown if t.source == s.source and figures & _figures(t)),
            None,
        )
        if repeat is not None:
            also.append(
                Corroboration(
                    value=repeat.value or "",
                    claimed_by=s.claimed_by,
                    source=s.source,
                    title=s.title,
                    line=s.line,
                )
            )
            continue
        shown.append(s)
    return shown, also


def _each_claim_once(snippets: list[Snippet]) -> list[Snippet]:
    """Conflict quotes: one per distinct (figure, claimant); overlapping quotes once. The same
    span twice is one sentence carrying two parties' figures: a claim each, shown as one quote
    (Answer.quotes)."""
    shown: list[Snippet] = []
    for s in snippets:
        if any(_overlap(s, t) and (s.start, s.end) != (t.start, t.end) for t in shown):
            continue
        if any((t.value, t.claimed_by) == (s.value, s.claimed_by) for t in shown):
            continue
        shown.append(s)
    return shown


def _claimant_first(question: ParsedQuestion, snippets: list[Snippet]) -> list[Snippet]:
    return sorted(snippets, key=lambda s: not names_party(question.claimant, s.claimed_by))


def _answer_line(question: ParsedQuestion, quote: Snippet) -> str | None:
    """The value a quote gives for a how-many / when / who / what-percentage question, when it
    gives exactly one; else None (the quotes speak for themselves)."""
    value = extract_value(question, quote.quote)
    if value is None:
        return None
    who = quote.claimed_by or (quote.publisher if quote.publisher else quote.title)
    period = ""
    if question.kind in (Expect.NUMBER, Expect.PERCENT) and len(question.years) == 1:
        period = f", {next(iter(question.years))}"
    return f"{value} — {who}{period}"


def extract_value(question: ParsedQuestion, text: str) -> str | None:
    """The one value of the kind asked for that `text` states and the question does not."""
    asked = question.text.casefold()
    if question.kind in (Expect.NUMBER, Expect.PERCENT):
        shares = question.kind is Expect.PERCENT
        values = {
            f.text + ("%" if shares and "%" not in f.text else "")
            for f in find_figures(text)
            if f.share == shares and f.text.casefold() not in asked
        }
    elif question.kind is Expect.DATE:
        values = {m.group(0) for m in DATE.finditer(text) if m.group(0).casefold() not in asked}
    elif question.long_form is not None:
        values = {m.group(0) for m in question.long_form.finditer(text)}
    elif question.kind is Expect.PERSON:
        values = {n for n in name_runs(text) if n.casefold() not in asked}
    else:
        return None
    return values.pop() if len(values) == 1 else None
