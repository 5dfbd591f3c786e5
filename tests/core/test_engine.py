"""Answer behaviour on small corpora written for each case, and on the project's eval file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.attribution import claimant
from bot.core.engine import Engine
from bot.evaluate import evaluate, load_eval
from bot.loader import load_engine
from tests.paths import ROOT

MakeSources = Callable[[dict[str, str | bytes]], Path]

CLERK = (
    "Town Hall Report\n\n"
    "The Springfield clerk processed many towing complaints this spring. "
    "Clerk Ann Lee said the office received 12 towing complaints in 2023. "
    "The office also handled parking permits and dog licences.\n\n"
    "Residents can file complaints online or at the front desk.\n"
)
AUDIT = (
    "Audit Findings\n\n"
    "The state auditor reviewed the clerk's records in detail. "
    "Auditor Bob Ray wrote that there were 40 towing complaints in 2023. "
    "The audit covered permits as well.\n"
)
AGREE = (
    "Audit Findings\n\n"
    "The state auditor reviewed the clerk's records in detail. "
    "Auditor Bob Ray wrote that there were 12 towing complaints in 2023. "
    "The audit covered permits as well.\n"
)


def _engine(make_sources: MakeSources, files: dict[str, str | bytes]) -> Engine:
    engine, _ = load_engine(make_sources(files))
    return engine


def test_conflicting_figures_are_both_quoted_with_their_claimants(
    make_sources: MakeSources,
) -> None:
    engine = _engine(make_sources, {"clerk.txt": CLERK, "audit.txt": AUDIT})
    answer = engine.ask("How many towing complaints were there in 2023?")
    assert answer.status == "conflict"
    figures = {("12" in s.quote, "40" in s.quote) for s in answer.snippets}
    assert figures == {(True, False), (False, True)}
    claimants = {s.claimed_by for s in answer.snippets}
    assert {"Clerk Ann Lee", "Auditor Bob Ray"} == claimants
    assert {s.source for s in answer.snippets} == {"clerk.txt", "audit.txt"}


def test_agreeing_figures_are_not_a_conflict(make_sources: MakeSources) -> None:
    engine = _engine(make_sources, {"clerk.txt": CLERK, "audit.txt": AGREE})
    answer = engine.ask("How many towing complaints were there in 2023?")
    assert answer.status == "answered"
    assert "12" in answer.snippets[0].quote


def test_figures_for_unknown_years_are_not_a_conflict(make_sources: MakeSources) -> None:
    other = AUDIT.replace(" in 2023", "")
    engine = _engine(make_sources, {"clerk.txt": CLERK, "audit.txt": other})
    assert engine.ask("How many towing complaints were filed?").status == "answered"


def test_how_many_prefers_the_sentence_with_a_figure(make_sources: MakeSources) -> None:
    engine = _engine(make_sources, {"clerk.txt": CLERK})
    answer = engine.ask("How many towing complaints did the clerk receive?")
    assert answer.status == "answered"
    assert "12" in answer.snippets[0].quote


def test_who_prefers_the_sentence_with_a_name(make_sources: MakeSources) -> None:
    engine = _engine(make_sources, {"audit.txt": AUDIT})
    answer = engine.ask("Who reviewed the towing complaints?")
    assert "Bob Ray" in answer.snippets[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "How many towing complaints were there in Shelbyville?",
        "What is the population of Springfield?",
        "How many towing complaints were there in 1999?",
        "When does the marathon start?",
    ],
)
def test_declines_when_key_terms_or_years_are_missing(
    make_sources: MakeSources, question: str
) -> None:
    engine = _engine(make_sources, {"clerk.txt": CLERK, "audit.txt": AUDIT})
    answer = engine.ask(question)
    assert answer.status == "no_answer"
    assert answer.snippets == []
    assert "sources" in answer.note


def test_two_pages_saying_the_same_thing_give_one_quote(make_sources: MakeSources) -> None:
    """Guides repeat a step word for word ("Right click a channel name and click Copy ID."):
    it was quoted twice, once from each page, and left room for one quote less that says
    something else."""
    step = "Right click a channel name and click Copy ID."
    files: dict[str, str | bytes] = {
        "ids.md": f"# Channel ID\n\n{step}\n\n## Role ID\n\nRight click a role, then Copy ID.\n",
        "server.md": f"# Test Server\n\nCreate a server first.\n\n## Channel ID\n\n{step}\n",
    }
    engine = _engine(make_sources, files)
    quotes = [" ".join(s.quote.split()) for s in engine.ask("how do i copy a channel id").snippets]
    assert quotes.count(step) == 1 and len(quotes) == len(set(quotes))


def test_another_city_is_declined(engine: Engine) -> None:
    """Every eval question about Boston is refused once it asks about a city the sources
    never mention instead."""
    items = load_eval(ROOT / "tests" / "questions.jsonl")
    about_boston = [i for i in items if i.expected != "no_answer" and "Boston" in i.question]
    assert len(about_boston) >= 5
    for item in about_boston:
        question = item.question.replace("Boston", "Tulsa")
        assert engine.ask(question).status == "no_answer", question


def test_quotes_stay_short(engine: Engine) -> None:
    for item in load_eval(ROOT / "tests" / "questions.jsonl"):
        for snippet in engine.ask(item.question).snippets:
            assert len(snippet.quote) <= 600


def test_eval_file_meets_its_thresholds(engine: Engine) -> None:
    report = evaluate(load_eval(ROOT / "tests" / "questions.jsonl"), engine.ask)
    assert report.accuracy_at_1 >= 0.85, report.failures
    assert report.declined_rate == 1.0, report.failures
    assert report.conflicts_found == 1.0, report.failures
    assert report.median_quote_chars < 400


def test_claimants_are_named_not_question_words() -> None:
    faq = "Who confirmed this policy? Commissioner Ann Lee recently confirmed it."
    assert claimant("Commissioner Ann Lee recently confirmed it.", faq) == "Commissioner Ann Lee"
    assert claimant("The figure was 12.", "Who confirmed this policy?") is None


def test_the_same_figure_written_two_ways_is_not_a_conflict(make_sources: MakeSources) -> None:
    written = {
        "clerk.txt": CLERK.replace("12 towing", "1,000 towing"),
        "audit.txt": AUDIT.replace("40 towing", "1000 towing"),
    }
    engine = _engine(make_sources, written)
    assert engine.ask("How many towing complaints were there in 2023?").status == "answered"
    words = {"clerk.txt": CLERK, "audit.txt": AUDIT.replace("40 towing", "twelve towing")}
    engine = _engine(make_sources, words)
    assert engine.ask("How many towing complaints were there in 2023?").status == "answered"


def test_a_decline_names_at_most_three_closest_sources(make_sources: MakeSources) -> None:
    files = {
        f"{topic}.md": f"# {topic.title()} guide\n\nHow to look after a {topic} at home.\n"
        for topic in ("cactus", "fern", "orchid", "bonsai", "tulip")
    }
    files["orchid.md"] = "# Orchid guide\n\nOrchids want bright, indirect light and little water.\n"
    engine = _engine(make_sources, files)
    titles = engine.closest_titles(engine.parse("what price do orchids sell for"))
    assert titles == ["Orchid guide"], "only sources that hold a word of the question"
    unrelated = engine.closest_titles(engine.parse("zzzz qqqq"))
    assert len(unrelated) == 3, "nothing close: three of them, not every title"


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("The id() function returns the address of the object in memory.", "answered"),
        ("The mayor will address the council about the office in memory.", "no_answer"),
    ],
)
def test_a_form_of_answer_binds_unless_the_sources_word_it_otherwise(
    make_sources: MakeSources, text: str, status: str
) -> None:
    """ "The address of" in a programming FAQ is an object's, not a street's: where the
    sources word it so and never write a street address, the question means it so too.
    Where they never word it so, an address asked for must still be written."""
    engine = _engine(make_sources, {"doc.md": f"# Memory\n\n{text}\n"})
    assert engine.ask("what is the address of the office in memory?").status == status


def test_an_everyday_word_the_passage_lacks_costs_less_than_a_word_of_the_topic(
    make_sources: MakeSources,
) -> None:
    """Neither "actually" nor "zoning" is in the sources, so the sources' IDF weighs them the
    same; in general English "actually" is everyday, so a passage lacking it holds more of
    the question."""
    engine = _engine(make_sources, {"clerk.txt": CLERK})
    everyday = engine.parse("how many towing complaints did the clerk actually get in 2023")
    topic = engine.parse("how many towing complaints did the clerk zoning get in 2023")
    assert everyday.rarity["actual"] < topic.rarity["zone"]
    found, other = engine.finder.find(everyday), engine.finder.find(topic)
    pid = found.best.pid
    assert engine.coverage(found, pid) > engine.coverage(other, pid)
    assert engine.ask("how many towing complaints did the clerk actually get in 2023").status == (
        "answered"
    )


@pytest.mark.parametrize("semantic", [False, True])
def test_a_count_whose_every_sentence_introduces_code_is_answered(
    make_sources: MakeSources, semantic: bool
) -> None:
    """A sentence goes with the code it introduces, so such a page has no one-sentence
    window: the check for figures in conflict found none to compare and raised IndexError
    (a traceback for "how many keywords does python have")."""
    page = (
        "# Keywords\n\nPython has 35 keywords, listed by this snippet:\n\n"
        "```python\nimport keyword\nprint(keyword.kwlist)\n```\n"
    )
    engine, _ = load_engine(make_sources({"keywords.md": page}), semantic=semantic)
    answer = engine.ask("how many keywords does python have")
    assert answer.status == "answered"
    assert answer.answer is not None and answer.answer.startswith("35 —")


@pytest.mark.parametrize(
    "question",
    [
        "How many detainer requests did Boston police ignore in 2025?",
        "why does nums.sort() give me None",
        "what did issac yablo say about the ice requests",
        "detaner requets ignord last year",
    ],
)
def test_a_match_key_alone_is_the_parsed_questions_key(
    engine: Engine, semantic_engine: Engine, question: str
) -> None:
    """Pins are matched by `match_key`, which skips the sentence vector: it must read the
    words exactly as a full parse does, in either mode."""
    for built in (engine, semantic_engine):
        assert built.match_key(question) == built.parse(question).key
