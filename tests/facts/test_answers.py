"""Fact cards in `ask`, the `fact` command, and the verbatim invariant for every fact."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.engine import Engine
from bot.loader import load_engine
from bot.render_text import render_answer

from .corpus import ENTRY_QUOTE, FACTS, FAQ_ANSWER, MANIFEST, REPORT


def test_a_conflicting_card_is_one_quote_per_claim(report_engine: Engine) -> None:
    answer = report_engine.ask(
        "How many detainer requests did the police department receive, 2024?"
    )
    assert answer.facts is not None
    assert answer.status == "conflict"
    assert {f.value for f in answer.facts.facts} >= {"15", "198"}
    claims = [(s.value, s.claimed_by) for s in answer.snippets]
    assert sorted(claims) == [
        ("15", "Police (Chief Ann Smith)"),
        ("198", "Agency (spokeswoman Jo Lee)"),
    ]
    assert FAQ_ANSWER not in [s.quote for s in answer.snippets]  # its 15 is already quoted
    text = render_answer(answer)
    assert text.startswith("The sources disagree about detainer requests received, 2024.")
    assert text.count(ENTRY_QUOTE) == 1


def test_who_question_gets_a_name_not_a_figure(report_engine: Engine) -> None:
    answer = report_engine.ask("Who is the police chief?")
    assert answer.facts is not None
    assert {f.value for f in answer.facts.facts} == {"Ann Smith"}


def test_questions_of_other_kinds_get_no_card(report_engine: Engine) -> None:
    assert report_engine.ask("Why were the detainer requests declined?").facts is None


def test_faq_answer_is_quoted_first_for_a_close_question(
    make_corpus: Callable[..., Path],
) -> None:
    engine, _ = load_engine(make_corpus(facts=None))  # no curated facts: no card
    answer = engine.ask("How many detainer requests did police receive in 2024?")
    assert answer.snippets[0].quote == FAQ_ANSWER
    assert all(not s.quote.endswith("?") for s in answer.snippets)


def test_faq_with_another_year_is_not_used(report_engine: Engine) -> None:
    answer = report_engine.ask("How many detainer requests did the police receive in 2023?")
    assert all(s.quote != FAQ_ANSWER for s in answer.snippets)


def test_fact_cli_json(make_corpus: Callable[..., Path], capsys) -> None:
    folder = make_corpus()
    assert main(["--sources", str(folder), "fact", "detainer requests 2024", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "detainer requests 2024"
    assert data["conflict"] is True
    assert {f["value"] for f in data["facts"]} >= {"15", "198"}


def test_fact_cli_text_and_empty_query(make_corpus: Callable[..., Path], capsys) -> None:
    folder = make_corpus()
    assert main(["--sources", str(folder), "fact", "zebra crossings"]) == 0
    assert capsys.readouterr().out.startswith("No fact matches “zebra crossings”.\nClosest")
    assert main(["--sources", str(folder), "fact", "  "]) == 2
    assert "empty" in capsys.readouterr().err


def test_bad_facts_file_stops_with_file_and_line(make_corpus: Callable[..., Path], capsys) -> None:
    folder = make_corpus(facts='[[fact]]\nsubject = "x"\n')
    assert main(["--sources", str(folder), "fact", "anything"]) == 2
    assert f"{folder / 'facts.toml'}:1: fact 1: missing field" in capsys.readouterr().err


@pytest.mark.parametrize("fixture", ["report_engine", "engine"])
def test_every_fact_is_verbatim(fixture: str, request: pytest.FixtureRequest) -> None:
    engine: Engine = request.getfixturevalue(fixture)
    assert engine.facts is not None and engine.facts.facts
    for fact in engine.facts.facts:
        text = engine.retriever.text(fact.source)
        assert text[fact.start : fact.end] == fact.quote
        assert fact.value in fact.quote
        assert fact.line == text.count("\n", 0, fact.start) + 1
        chrome = engine.retriever.documents[fact.source].chrome
        assert all(fact.end <= c.start or fact.start >= c.end for c in chrome)


def test_a_name_the_sources_never_mention_gets_no_card(report_engine: Engine) -> None:
    answer = report_engine.ask("How many detainer requests did the Chicago police receive in 2024?")
    assert answer.facts is None
    assert answer.status == "no_answer"


def test_percent_question_gets_a_percent_fact(report_engine: Engine) -> None:
    answer = report_engine.ask("What share was declined?")
    assert answer.facts is not None
    assert [f.value for f in answer.facts.facts] == ["100%"]


def test_count_question_gets_counts_not_percentages(report_engine: Engine) -> None:
    answer = report_engine.ask("How many requests were declined in 2024?")
    assert answer.facts is not None
    assert {f.unit for f in answer.facts.facts} == {None}


def test_a_who_question_is_not_answered_with_the_person_it_names(
    report_engine: Engine,
) -> None:
    """ "Who leads" names no one, and the chief's card answers it; a question that already
    names her asks about someone else, and neither her card nor her name leads the answer."""
    assert report_engine.ask("who leads the police").facts is not None
    answer = report_engine.ask("who wrote to the police that smith leads")
    assert answer.facts is None
    assert "Smith" not in (answer.answer or "")


def test_a_who_question_gets_no_card_whose_value_names_no_one(
    make_corpus: Callable[..., Path],
) -> None:
    """A fact whose value is a description ("by fax") matched "who sent the requests" on its
    measure's words; a who-question asks for a name, and the quote naming one answers it."""
    facts = FACTS + (
        '\n[[fact]]\nsubject = "Agency"\nmeasure = "how the agency sent its requests"\n'
        'value = "by fax"\nclaimed_by = "City Desk"\nsource = "report.txt"\n'
        'quote = "The agency sent its requests by fax."\n'
    )
    files = {
        "report.txt": REPORT + "The agency sent its requests by fax.\n",
        "sources.toml": MANIFEST,
    }
    engine, _ = load_engine(make_corpus(facts=facts, files=files))
    answer = engine.ask("who sent the agency's requests")
    assert answer.facts is None or all(f.value != "by fax" for f in answer.facts.facts)
    assert "by fax" not in (answer.answer or "")


def test_a_how_long_question_gets_a_card_only_of_a_measure(
    make_corpus: Callable[..., Path],
) -> None:
    """ "How long" asks for a measure, as its answer line does: a fact counting the agency's
    shifts does not say how long it holds a person, and one of its hours does."""
    shifts = "The agency holds people over 3 shifts a day, spokeswoman Jo Lee wrote."
    held = "The agency holds a person for up to 48 hours, spokeswoman Jo Lee wrote."
    card = (
        '\n[[fact]]\nsubject = "Agency"\nmeasure = "{}"\nvalue = "{}"\n'
        'claimed_by = "Agency (spokeswoman Jo Lee)"\nsource = "report.txt"\nquote = "{}"\n'
        'aliases = ["how long the agency holds people"]\n'
    )
    counted = card.format("shifts the agency holds people over", "3", shifts)
    measured = card.format("how long the agency holds a person", "up to 48 hours", held)
    files = {"report.txt": f"{REPORT}{shifts}\n", "sources.toml": MANIFEST}
    engine, _ = load_engine(make_corpus(facts=FACTS + counted, files=files))
    answer = engine.ask("how long does the agency hold people")
    assert answer.facts is None or all(f.value != "3" for f in answer.facts.facts)
    files = {"report.txt": f"{REPORT}{shifts}\n{held}\n", "sources.toml": MANIFEST}
    engine, _ = load_engine(make_corpus(facts=FACTS + counted + measured, files=files))
    answer = engine.ask("how long does the agency hold people")
    assert answer.facts is not None
    assert [f.value for f in answer.facts.facts] == ["up to 48 hours"]
