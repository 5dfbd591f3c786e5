"""Which curated answer an option names, and which edits are refused."""

from __future__ import annotations

from bot.exts.answers.curation import MAX_ALIASES, NOTHING_TO_CHANGE, chosen_pin, edit_problem

QUESTIONS = {11: "How many detainer requests?", 12: "Who is the commissioner?"}


def test_a_pin_is_named_by_its_id_or_its_question_as_typed() -> None:
    assert chosen_pin(QUESTIONS, "12") == 12
    assert chosen_pin(QUESTIONS, "  how many   DETAINER requests? ") == 11
    assert chosen_pin(QUESTIONS, "13") is None  # not one of this server's
    assert chosen_pin(QUESTIONS, "How many detainer") is None
    assert chosen_pin({}, "11") is None


def test_an_edit_must_change_something_it_can() -> None:
    assert edit_problem((), None, None, None) == NOTHING_TO_CHANGE
    assert edit_problem(("a",), None, None, "b") is not None  # no such alias
    assert edit_problem(("a",), None, None, "a") is None
    full = tuple(f"a{i}" for i in range(MAX_ALIASES))
    assert edit_problem(full, None, "new", None) is not None
    assert edit_problem(full, None, "a0", None) is None  # already there: no new one
    assert edit_problem((), "New wording", None, None) is None
