"""Composition: the arbiter's verdict (arbiter.py: what leads, and the status) laid out as
the one answer every face renders. It decides nothing: the answer leads with the answer
itself, then each claim once: its quote, and where else the sources state it.

Rules, each tested in tests/core/test_compose.py:
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

from bot.core.arbiter import Verdict
from bot.core.attribution import names_party
from bot.core.expect import DATE, Expect, asks_measure, new_names
from bot.core.figures import find_figures, measures
from bot.core.question import ParsedQuestion
from bot.facts.book import FactBook
from bot.facts.claims import claim_key, distinct_facts, ordered
from bot.facts.models import Fact, FactLookup
from bot.models import Answer, Corroboration, Snippet, quote_snippet, table_values
from index.models import FaqEntry
from index.source_text import file_span

FAQ_SCORE = 100.0


def compose(
    question: ParsedQuestion,
    verdict: Verdict,
    quoted: Answer,
    card: FactLookup | None,
    faq: FaqEntry | None,
    book: FactBook | None,
) -> Answer:
    """The answer to show, as the arbiter's verdict has it (arbiter.py): led by the fact
    card's claims, or an FAQ answer, or the engine's quotes; each claim once."""
    if verdict.lead == "card":
        assert card is not None and book is not None and verdict.group is not None
        return _from_card(question, verdict, quoted, card, faq, book)
    snippets = list(quoted.snippets)
    if verdict.lead == "faq":
        assert faq is not None and book is not None
        snippets = _faq_first(book, faq, snippets)
    if verdict.status == "conflict":
        return quoted.model_copy(
            update={"snippets": _claimant_first(question, _each_claim_once(snippets))}
        )
    snippets, also = _without_repeats(snippets)
    answered = snippets and verdict.status == "answered"
    return quoted.model_copy(
        update={
            "status": verdict.status,
            "note": verdict.note,
            "snippets": snippets,
            "answer": _answer_line(question, snippets[0]) if answered else None,
            "corroborated_by": also,
        }
    )


# --- fact cards ------------------------------------------------------------------------------


def _from_card(
    question: ParsedQuestion,
    verdict: Verdict,
    quoted: Answer,
    card: FactLookup,
    faq: FaqEntry | None,
    book: FactBook,
) -> Answer:
    """The leading group's claims: one quote per distinct claim, the rest as corroboration.
    Other groups stay in `facts` (the card) for those who want every measure."""
    group = verdict.group
    assert group is not None
    facts, repeated = distinct_facts(ordered(question, group.facts))
    card = card.model_copy(update={"facts": distinct_facts(ordered(question, card.facts))[0]})
    if verdict.status == "no_answer":
        return quoted.model_copy(
            update={"status": "no_answer", "note": verdict.note, "snippets": [], "facts": card}
        )
    snippets, also = _claims(book, facts)
    also += [_corroboration(book, f) for f in repeated]
    if verdict.status == "conflict":
        period = f", {group.period}" if group.period else ""
        return quoted.model_copy(
            update={
                "status": "conflict",
                "note": verdict.note,
                "snippets": _claimant_first(question, snippets),
                "answer": f"The sources disagree about {group.measure}{period}.",
                "corroborated_by": also,
                "facts": card,
            }
        )
    if faq is not None:
        snippets, more = _without_repeats([*snippets, _faq_quote(book, faq)])
        also += more
    lead = facts[0]
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


def _faq_first(book: FactBook, faq: FaqEntry, snippets: list[Snippet]) -> list[Snippet]:
    """An FAQ entry's answer leads, before the windows; but when the best window is part of
    that same answer and reaches past its opening (before the next question), the window
    goes first: it is the part of the publisher's answer the question's words found ("can I
    uninstall the Python that came with my Mac" is answered two paragraphs into "Can I
    delete Python?"). A window within the opening adds nothing to it."""
    opening = _faq_quote(book, faq)
    if snippets and faq.section_end is not None:
        best = snippets[0]
        start, end = file_span(book.texts[faq.source], faq.answer.start, faq.section_end)
        if best.source == faq.source and start <= best.start and opening.end < best.end <= end:
            return [best, opening, *snippets[1:]]
    return [opening, *snippets]


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
    gives exactly one; else None (the quotes speak for themselves). A quote that leaves out a
    figure the question names ("when was python 3.0 released") speaks of something else: its
    date ("releases … since 1991") is no answer."""
    if any(f.text not in quote.quote for f in find_figures(question.text)):
        return None
    value = extract_value(question, table_values(quote.quote))
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
    if asks_measure(question.kind, question.text):
        values = {m for m in measures(text) if m.casefold() not in asked}
    elif question.kind in (Expect.NUMBER, Expect.PERCENT):
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
        values = set(new_names(text, question.text))
    else:
        return None
    return values.pop() if len(values) == 1 else None
