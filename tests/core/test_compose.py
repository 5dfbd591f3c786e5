"""Composition: the answer line first, each claim once, conflicts compact, FAQ and table rules,
citations that say only what is known. Small corpora written for each rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.compose import _faq_first
from bot.core.engine import Engine
from bot.core.figures import find_figures
from bot.evaluate import load_eval
from bot.facts.claims import claim_key
from bot.loader import load_engine
from bot.models import quote_snippet
from bot.render_text import render_answer
from tests.paths import ROOT, SOURCES

MakeSources = Callable[[dict[str, str | bytes]], Path]

DEPOT = (
    "Depot Annual Report\n\n"
    "The depot logged 44 towing complaints in 2023, manager Rosa Diaz said. "
    "Diaz said all 44 towing complaints were answered within a week.\n\n"
    "Frequently Asked Questions\n"
    "How many towing complaints did the depot log in 2023?\n"
    "The depot logged 44 towing complaints in 2023.\n\n"
    "Key Figures\n"
    "| Item | Value |\n"
    "|---|---|\n"
    "| Towing Complaints (2023) | 44 |\n"
    "| Depot Manager | Rosa Diaz |\n\n"
    "The Towing Code, a city ordinance of 2011, sets the fees a depot may charge.\n"
)
AUDIT = (
    "Audit of the Depot\n\n"
    "The city auditor counted one hundred and ninety-eight towing complaints in 2023, "
    "auditor Sam Park wrote.\n"
)
FACTS = """[[fact]]
subject = "Depot"
measure = "towing complaints"
period = "2023"
value = "44"
claimed_by = "Depot (manager Rosa Diaz)"
source = "depot.txt"
quote = "The depot logged 44 towing complaints in 2023, manager Rosa Diaz said."

[[fact]]
subject = "Depot"
measure = "towing complaints"
period = "2023"
value = "one hundred and ninety-eight"
claimed_by = "City auditor (Sam Park)"
source = "audit.txt"
quote = "The city auditor counted one hundred and ninety-eight towing complaints in 2023, auditor Sam Park wrote."
"""  # noqa: E501
MANIFEST = """[[source]]
file = "depot.txt"
title = "Depot Annual Report"
publisher = "City Depot"
"""


@pytest.fixture
def depot(make_sources: MakeSources) -> Engine:
    """The depot report alone: its figure is stated three times, never contested."""
    engine, _ = load_engine(make_sources({"depot.txt": DEPOT, "sources.toml": MANIFEST}))
    return engine


@pytest.fixture
def disputed(make_sources: MakeSources) -> Engine:
    """The depot report and an audit that disagrees, with curated facts for both."""
    files = {"depot.txt": DEPOT, "audit.txt": AUDIT, "sources.toml": MANIFEST, "facts.toml": FACTS}
    engine, _ = load_engine(make_sources(files))
    return engine


def test_an_agreed_figure_leads_and_is_quoted_once(depot: Engine) -> None:
    answer = depot.ask("How many towing complaints did the depot log in 2023?")
    assert answer.status == "answered"
    assert answer.answer is not None and answer.answer.startswith("44 — ")
    assert answer.answer.endswith(", 2023")
    with_44 = [s for s in answer.snippets if "44" in s.quote]
    assert len(with_44) == 1  # the other statements of 44 are corroboration lines
    assert answer.corroborated_by
    text = render_answer(answer)
    assert text.splitlines()[0] == answer.answer
    assert len(text.splitlines()) <= 10
    assert "Also stated in: depot.txt line" in text


def test_no_two_quotes_of_one_source_give_the_same_figure(depot: Engine) -> None:
    for question in (
        "How many towing complaints were there?",
        "How many towing complaints did the depot answer within a week?",
        "towing complaints 2023",
    ):
        answer = depot.ask(question)
        for i, a in enumerate(answer.snippets):
            for b in answer.snippets[i + 1 :]:
                if a.source == b.source:
                    mine = {claim_key(f.text) for f in find_figures(a.quote)}
                    assert not mine & {claim_key(f.text) for f in find_figures(b.quote)}


def test_a_conflict_is_one_line_per_claim_with_its_quote_once(disputed: Engine) -> None:
    answer = disputed.ask("How many towing complaints were there in 2023?")
    assert answer.status == "conflict"
    claims = [(s.value, s.claimed_by) for s in answer.snippets]
    assert claims == [
        ("44", "Depot (manager Rosa Diaz)"),
        ("one hundred and ninety-eight", "City auditor (Sam Park)"),
    ]
    assert answer.answer == "The sources disagree about towing complaints, 2023."
    text = render_answer(answer)
    assert text.count("one hundred and ninety-eight towing complaints") == 1


def test_the_claimant_the_question_names_comes_first(disputed: Engine) -> None:
    answer = disputed.ask("According to the city auditor, how many towing complaints in 2023?")
    assert answer.status == "conflict"
    assert answer.snippets[0].claimed_by == "City auditor (Sam Park)"


def test_a_named_claimant_who_says_nothing_is_said_so(disputed: Engine) -> None:
    answer = disputed.ask("According to the mayor, how many towing complaints were there in 2023?")
    assert answer.status == "no_answer"
    assert "no figure from the mayor" in answer.note
    assert "44" in answer.note and "one hundred and ninety-eight" in answer.note


def test_a_sentence_with_two_parties_figures_credits_each_its_own() -> None:
    from bot.core.attribution import claimant_at

    sentence = (
        "Agency officials disputed Police Claims that it refused 15 requests, saying that "
        "police had refused almost 200 such requests."
    )
    assert claimant_at(sentence, sentence.index("15")) == "Police"
    assert claimant_at(sentence, sentence.index("200")) == "Agency officials"


def test_a_sentence_with_two_parties_figures_is_one_quote_with_two_claims(
    make_sources: MakeSources,
) -> None:
    text = (
        "Towing Dispute\n\n"
        "City officials disputed Depot Claims that it towed 15 cars in 2023, saying that the "
        "depot had in fact towed almost 200 such cars.\n"
    )
    engine, _ = load_engine(make_sources({"dispute.txt": text}))
    answer = engine.ask("How many cars did the depot tow in 2023?")
    assert answer.status == "conflict"
    assert [(s.value, s.claimed_by) for s in answer.snippets] == [
        ("15", "Depot"),
        ("200", "City officials"),
    ]
    assert [len(group) for group in answer.quotes()] == [2]
    shown = render_answer(answer)
    assert shown.count("towed almost 200 such cars") == 1
    assert "15 — Depot:" in shown and "200 — City officials:" in shown


def test_an_faq_match_quotes_the_answer_line_never_the_question(depot: Engine) -> None:
    answer = depot.ask("How many towing complaints did the depot log in 2023?")
    assert all(not s.quote.rstrip().endswith("?") for s in answer.snippets)
    answer = depot.ask("What did the FAQ say about towing complaints in 2023?")
    assert all(not s.quote.rstrip().endswith("?") for s in answer.snippets)


def test_a_table_row_is_quoted_for_its_own_attribute_and_shown_as_label_value(
    depot: Engine,
) -> None:
    answer = depot.ask("Who is the depot manager?")
    rows = [s for s in answer.snippets if s.table_row]
    assert rows and rows[0].table_row == ["Depot Manager", "Rosa Diaz"]
    assert rows[0].quote == "| Depot Manager | Rosa Diaz |"  # verbatim in the JSON
    assert "Depot Manager: Rosa Diaz" in render_answer(answer)
    assert "| Depot Manager |" not in render_answer(answer)


def test_a_table_row_is_not_a_definition(depot: Engine) -> None:
    answer = depot.ask("What is the Towing Code?")
    assert answer.snippets[0].quote.startswith("The Towing Code, a city ordinance")
    assert all(s.table_row is None for s in answer.snippets)


def test_citations_leave_out_what_the_source_does_not_state(disputed: Engine) -> None:
    answer = disputed.ask("How many towing complaints were there in 2023?")
    text = render_answer(answer)
    assert "not stated" not in text
    audit = next(s for s in answer.snippets if s.source == "audit.txt")
    assert audit.publisher is None and audit.date is None
    depot_quote = next(s for s in answer.snippets if s.source == "depot.txt")
    assert depot_quote.publisher == "City Depot"


def test_a_name_gets_no_year(engine: Engine) -> None:
    answer = engine.ask("Who is the ICE spokeswoman?")
    assert answer.answer is not None
    assert answer.answer.startswith("Yolanda Choates — ")
    assert not any(year in answer.answer for year in ("2024", "2025", "2026"))


@pytest.mark.parametrize(
    "question",
    [
        "How many detainer requests did Boston police ignore in 2025?",
        "How many detainer requests were sent to Boston police in 2024?",
        "What is the reason Boston police ignore ICE detainers?",
        "what's the trust act?",
        "what is a detainer",
    ],
)
def test_the_issues_questions_quote_no_question_and_no_table_pipes(
    engine: Engine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.status != "no_answer"
    assert all(not s.quote.rstrip().endswith("?") for s in answer.snippets)
    assert "| " not in render_answer(answer)
    for s in answer.snippets:
        text = (SOURCES / s.source).read_text(encoding="utf-8")
        assert text[s.start : s.end] == s.quote


AGENCY = (
    "Harbour News\n\n"
    "The Port Safety Office (PSO) inspected 12 ferries in 2023. "
    "Ferry owners said the PSO rarely gave notice. "
    "PSO inspectors wrote that two ferries lacked life jackets.\n\n"
    "Later, Port Safety Office staff published the full list of ferries.\n"
)


@pytest.mark.parametrize("question", ["what is PSO?", "What does the PSO stand for?", "what's pso"])
def test_what_an_acronym_is_is_answered_with_its_long_form(
    make_sources: MakeSources, question: str
) -> None:
    """A sentence that gives the long form says what the acronym is; other sentences only
    use it. The answer line is the long form as the source writes it."""
    engine, _ = load_engine(make_sources({"harbour.txt": AGENCY}))
    answer = engine.ask(question)
    assert answer.status == "answered", answer.note
    assert "Port Safety Office" in answer.snippets[0].quote
    assert answer.answer is not None and answer.answer.startswith("Port Safety Office")


def test_a_name_that_is_no_acronym_of_the_sources_gets_no_long_form(
    make_sources: MakeSources,
) -> None:
    engine, _ = load_engine(make_sources({"harbour.txt": AGENCY}))
    assert engine.parse("what is a ferry?").long_form is None
    assert engine.parse("how many ferries did the PSO inspect?").long_form is None


@pytest.mark.parametrize("semantic", [False, True])
def test_who_said_a_statement_is_answered_by_the_statement_not_a_role_card(
    make_sources: MakeSources, semantic: bool
) -> None:
    """The card names who holds a role ("Depot Manager: Rosa Diaz"); "who said …" asks who
    made a statement, which only its quote shows (a role card matches such a question on
    meaning: its words are the depot's)."""
    files = {"depot.txt": DEPOT, "sources.toml": MANIFEST}
    depot, _ = load_engine(make_sources(files), semantic=semantic)
    role = depot.ask("Who is the depot manager?")
    assert role.facts is not None and role.facts.facts, "control: the role question gets the card"
    said = depot.ask("Who said the depot answered the complaints within a week?")
    assert said.facts is None
    assert said.snippets and "within a week" in said.snippets[0].quote


@pytest.mark.parametrize("semantic", [False, True])
@pytest.mark.parametrize(
    "question",
    ["Who is Rosa Diaz?", "What role does Diaz have?", "What is Rosa Diaz's job?"],
)
def test_who_is_a_named_person_leads_with_the_role_the_facts_give_them(
    make_sources: MakeSources, semantic: bool, question: str
) -> None:
    """The facts name who holds a role; asked about the person, the card answers with the
    role, its quote holding both."""
    files = {"depot.txt": DEPOT, "sources.toml": MANIFEST}
    depot, _ = load_engine(make_sources(files), semantic=semantic)
    answer = depot.ask(question)
    assert answer.facts is not None and {f.value for f in answer.facts.facts} == {"Rosa Diaz"}
    assert answer.answer is not None and answer.answer.startswith("Rosa Diaz — Depot Manager")
    assert answer.snippets and "Rosa Diaz" in answer.snippets[0].quote


@pytest.mark.parametrize("question", ["Who is Sam Park?", "Who is Rosa Smith?"])
def test_a_person_the_facts_give_no_role_gets_no_role_card(
    make_sources: MakeSources, question: str
) -> None:
    """No fact names Sam Park in a role, and Rosa Smith is not Rosa Diaz: no card."""
    files = {"depot.txt": DEPOT, "audit.txt": AUDIT, "sources.toml": MANIFEST}
    depot, _ = load_engine(make_sources(files), semantic=False)
    answer = depot.ask(question)
    assert answer.facts is None or "Rosa Diaz" not in {f.value for f in answer.facts.facts}


def curated(subject: str, measure: str, value: str, source: str, quote: str) -> str:
    """One `facts.toml` entry, claimed by the source's own report."""
    return (
        f'[[fact]]\nsubject = "{subject}"\nmeasure = "{measure}"\nvalue = "{value}"\n'
        f'claimed_by = "the report"\nsource = "{source}"\nquote = "{quote}"\n'
    )


ORDINANCE = curated(
    "City",
    "ordinance that sets towing fees",
    "Towing Code",
    "depot.txt",
    "The Towing Code, a city ordinance of 2011, sets the fees a depot may charge.",
)


@pytest.mark.parametrize("semantic", [False, True])
def test_what_law_is_answered_by_the_fact_that_names_one(
    make_sources: MakeSources, semantic: bool
) -> None:
    """ "What ordinance …" asks for the name of a thing: the fact whose measure says it is an
    ordinance answers; a question naming that thing itself, or asking for another kind of
    thing, gets no card."""
    files = {"depot.txt": DEPOT, "sources.toml": MANIFEST, "facts.toml": ORDINANCE}
    depot, _ = load_engine(make_sources(files), semantic=semantic)
    for question in (
        "What ordinance sets towing fees?",
        "Which ordinance sets the fees for towing?",
    ):
        answer = depot.ask(question)
        assert answer.facts is not None, question
        assert answer.answer is not None and answer.answer.startswith("Towing Code"), question
    for question in ("What fees does the Towing Code set?", "What trucks did the depot tow?"):
        assert depot.ask(question).facts is None, question


TOWN = (
    "Town News\n\n"
    "Mayor Ana Ruiz attended the opening of the new towing depot on Monday. "
    "Depot manager Rosa Diaz said the depot would tow only abandoned cars. "
    "The depot has room for 300 cars.\n"
)


@pytest.mark.parametrize("semantic", [False, True])
def test_what_a_named_party_said_is_a_quote_of_their_own_words(
    make_sources: MakeSources, semantic: bool
) -> None:
    """ "What did Diaz say …" is answered by what Diaz said; a sentence that only mentions the
    mayor does not say what she said, so "what did Mayor Ruiz say …" is declined."""
    engine, _ = load_engine(make_sources({"town.txt": TOWN}), semantic=semantic)
    said = engine.ask("What did Diaz say about the towing depot?")
    assert said.status == "answered" and "Diaz said" in said.snippets[0].quote
    silent = engine.ask("What did Mayor Ruiz say about the towing depot?")
    assert silent.status == "no_answer"
    assert "nothing from Mayor Ruiz" in silent.note


WORKS = (
    "Public Works Report\n\n"
    "The department named Rosa Diaz its spokeswoman in March. "
    "The depot opened on Monday. "
    "Crews painted the gates. "
    "Trucks arrived on Tuesday. "
    "Diaz said the depot would tow only abandoned cars.\n"
)
SPOKESWOMAN = curated(
    "DPW",
    "DPW spokeswoman",
    "Rosa Diaz",
    "works.txt",
    "The department named Rosa Diaz its spokeswoman in March.",
)


@pytest.mark.parametrize("semantic", [False, True])
def test_a_spokeswoman_speaks_for_the_body_the_facts_say_she_speaks_for(
    make_sources: MakeSources, semantic: bool
) -> None:
    """ "Diaz said …" is DPW speaking when the curated facts make Diaz DPW's spokeswoman;
    without that fact the sources quote nothing from DPW."""
    folder = make_sources({"works.txt": WORKS})
    without, _ = load_engine(folder, semantic=semantic)
    question = "What did DPW say about towing abandoned cars?"
    declined = without.ask(question)
    assert declined.status == "no_answer" and "nothing from DPW" in declined.note
    (folder / "facts.toml").write_text(SPOKESWOMAN, encoding="utf-8")
    engine, _ = load_engine(folder, semantic=semantic)
    answer = engine.ask(question)
    assert answer.status == "answered" and "Diaz said" in answer.snippets[0].quote


def _eval_questions() -> list[str]:
    files = ["questions.jsonl", "eval/paraphrases.jsonl", "eval/unanswerable.jsonl"]
    files.append("eval/sources.jsonl")
    return [item.question for name in files for item in load_eval(ROOT / "tests" / name)]


@pytest.mark.parametrize("mode", ["engine", "semantic_engine"])
def test_an_answer_line_states_only_what_a_quote_says(
    mode: str, request: pytest.FixtureRequest
) -> None:
    """The value an answer leads with ("57 — Boston Police …") is written in one of the
    quotes it shows, for every question of the seed articles' sets: the answer line is
    derived from a quote, never from elsewhere."""
    engine: Engine = request.getfixturevalue(mode)
    lines = 0
    for question in _eval_questions():
        answer = engine.ask(question)
        if answer.status != "answered" or " — " not in (answer.answer or ""):
            continue
        value = (answer.answer or "").split(" — ")[0]
        assert any(value in s.quote for s in answer.snippets), (question, answer.answer)
        lines += 1
    assert lines >= 10, "the sets hold questions answered with a value"


PYTHON_FAQ = """# Installed Python

## Can I delete Python?

That depends on where Python came from and who put it on this machine for you.

If Python came with your operating system, removing it is not recommended.

## Why is Python on my computer?

Many programs ship with their own copy of Python, and some of them need it to run.
"""


@pytest.mark.parametrize(
    ("first_words", "last_words", "leads"),
    [
        ("If Python came", "not recommended.", "window"),  # further on in the answer
        ("That depends", "not recommended.", "window"),  # the opening and past it
        ("That depends", "who put it", "faq"),  # within the opening: adds nothing
        ("Many programs", "own copy of Python,", "faq"),  # the next question's answer
    ],
)
def test_a_window_reaching_past_the_faq_answers_opening_leads_it(
    make_sources: MakeSources, first_words: str, last_words: str, leads: str
) -> None:
    """The FAQ entry matched; the window the question's words found is quoted first when it
    is part of the same answer and says more than its opening."""
    engine, _ = load_engine(make_sources({"installed.md": PYTHON_FAQ}), semantic=False)
    book = engine.facts
    (entry,) = [e for e in book.faqs if "delete" in PYTHON_FAQ[e.question.start : e.question.end]]
    start = PYTHON_FAQ.index(first_words)
    end = PYTHON_FAQ.index(last_words) + len(last_words)
    window = quote_snippet(book.texts["installed.md"], book.metas["installed.md"], start, end, 1.0)
    shown = [s.quote for s in _faq_first(book, entry, [window])]
    opening = PYTHON_FAQ[entry.answer.start : entry.answer.end]
    assert shown == ([window.quote, opening] if leads == "window" else [opening, window.quote])


HARBOR = (
    "Harbor Report\n\n"
    "Harbor master Ana Ruiz confirmed that the harbor turned away 12 ships last year.\n\n"
    "Key Figures\n"
    "| Item | Value |\n"
    "|---|---|\n"
    "| Number of Ships Turned Away (2025) | 12 ships |\n"
    "| Harbor Master | Ana Ruiz |\n"
)


@pytest.mark.parametrize("semantic", [False, True])
def test_a_table_rows_label_is_no_answer_its_value_cells_are(
    make_sources: MakeSources, semantic: bool
) -> None:
    """A row's label names what it measures, in title case: "Ships Turned Away" is no one
    who confirmed anything. A who-question is answered by a quote that names a person, and
    a row still answers with its value cell."""
    engine, _ = load_engine(make_sources({"harbor.txt": HARBOR}), semantic=semantic)
    confirmed = engine.ask("who confirmed the 12 number")
    assert confirmed.answer is not None and confirmed.answer.startswith("Ana Ruiz —")
    assert "Ana Ruiz confirmed" in confirmed.snippets[0].quote
    counted = engine.ask("how many ships were turned away in 2025")
    assert counted.answer is not None and counted.answer.startswith("12 —")
    master = engine.ask("who is the harbor master")
    assert master.answer is not None and master.answer.startswith("Ana Ruiz —")


def test_a_quote_without_the_questions_figure_gives_no_answer_line(
    make_sources: MakeSources,
) -> None:
    """ "When did version 3.0 come out" is not answered by the date of version 2.0: a quote
    that leaves out a figure the question names speaks of something else, so the answer
    does not lead with its date (the quote is still shown)."""
    rules = (
        "Harbor Rules\n\n"
        "The harbor keeps a book of rules for every ship that docks.\n\n"
        "Version 2.0 of the harbor rules came out in 2015, after a long review.\n"
    )
    engine, _ = load_engine(make_sources({"rules.txt": rules}), semantic=False)
    named = engine.ask("when did version 2.0 of the harbor rules come out")
    assert named.answer is not None and named.answer.startswith("2015 —")
    other = engine.ask("when did version 3.0 of the harbor rules come out")
    assert other.answer is None


def test_how_long_is_answered_by_a_figure_with_its_unit(make_sources: MakeSources) -> None:
    """ "How long" asks for a measure: the answer line gives the figure with the unit the
    quote writes after it (a range whole), and a count is no duration: "two deputies" does
    not say how long a deal holds, so that quote gets no answer line."""
    files = {
        "licence.txt": "Pilot Licences\n\nA pilot licence lasts five years before renewal.\n",
        "repairs.txt": "Pier Repairs\n\nRepairs to the north pier take three to four weeks.\n",
        "deal.txt": "Pier Deal\n\nThe pier deal named two deputies and holds until the vote.\n",
        "board.txt": "Harbor Board\n\nEach harbor board member serves a three-year term.\n",
    }
    engine, _ = load_engine(make_sources(files), semantic=False)
    licence = engine.ask("how long does a pilot licence last")
    assert licence.answer is not None and licence.answer.startswith("five years —")
    repairs = engine.ask("how long do repairs to the north pier take")
    assert repairs.answer is not None and repairs.answer.startswith("three to four weeks —")
    deal = engine.ask("how long does the pier deal hold")
    assert deal.status == "answered" and "two deputies" in deal.snippets[0].quote
    assert deal.answer is None
    term = engine.ask("how long is a harbor board member's term")
    assert term.answer is not None and term.answer.startswith("three-year —")
