"""Bad questions get a clear note and never an exception."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.question import MAX_QUESTION_CHARS, QuestionError, clean_question


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\x00\x01"])
def test_empty_questions_are_refused(raw: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        clean_question(raw)


def test_long_question_is_cut_at_a_word_and_says_so() -> None:
    raw = "detainer " * 700
    cleaned = clean_question(raw)
    assert len(cleaned.text) <= MAX_QUESTION_CHARS
    assert cleaned.text.endswith("detainer")
    assert any("characters" in note for note in cleaned.notes)


def test_control_characters_are_removed_with_a_note() -> None:
    cleaned = clean_question("how many\x07 requests\u200b?")
    assert "\x07" not in cleaned.text and "\u200b" not in cleaned.text
    assert cleaned.notes


@pytest.mark.parametrize(
    ("raw", "note_part"),
    [
        ("", "empty"),
        ("what is the of and to", "no searchable words"),
        ("Wie viele Anfragen hat die Polizei ignoriert?", "appear in the sources"),
        ("\x1b[31m", "Control characters were removed"),
    ],
)
def test_engine_declines_bad_questions_with_a_note(
    engine: Engine, raw: str, note_part: str
) -> None:
    answer = engine.ask(raw)
    assert answer.status == "no_answer"
    assert not answer.snippets
    assert note_part in answer.note


def test_huge_question_still_gets_an_answer_object(engine: Engine) -> None:
    answer = engine.ask("How many detainer requests were ignored? " * 150)
    assert "characters" in answer.note
    assert len(answer.question) <= MAX_QUESTION_CHARS


@pytest.mark.parametrize(
    ("raw", "role_of", "which", "statement_of"),
    [
        ("Who is Mariellen Burns?", "Mariellen Burns", None, None),
        ("What is Cox's job?", "Cox", None, None),
        ("whats Cox's job", "Cox", None, None),
        ("who is the commissioner?", None, None, None),
        ("What law keeps cops from holding people?", None, "law", None),
        ("What kind of requests were refused?", None, None, None),
        ("What did Mayor Wu say about the numbers?", None, None, "Mayor Wu"),
        ("How did Cox say the requests were sent?", None, None, "Cox"),
        # Typed in lower case, a name the sources write is still a party ...
        ("what did issac yablo say about the requests", None, None, "issac yablo"),
        ("what did mayor wu say", None, None, "mayor wu"),
        # ... and a thing with a text of its own is none, however typed ("the act").
        ("What does the Trust Act say about holds?", None, None, None),
        ("what did the police say about the requests", None, None, None),
        ("What does the Islamic State lack?", None, None, None),  # "State" is no verb here
    ],
)
def test_what_a_question_names_as_its_answer(
    engine: Engine, raw: str, role_of: str | None, which: str | None, statement_of: str | None
) -> None:
    question = engine.parse(raw)
    assert (question.role_of, question.which, question.statement_of) == (
        role_of,
        which,
        statement_of,
    )


def test_everyday_words_are_less_rare_than_the_words_of_the_topic(engine: Engine) -> None:
    parsed = engine.parse("is the detainer thing ever going away")
    assert parsed.rarity["ever"] < parsed.rarity["detain"]
    assert parsed.rarity["go"] < parsed.rarity["detain"] == 1.0


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("What is the population of Springfield?", ["popul"]),
        ("whats the crime rate in boston", ["crime", "rate"]),
        ("how many people did ice arrest", ["peopl"]),
    ],
)
def test_what_the_question_asks_for_keeps_its_full_weight(
    engine: Engine, question: str, asked: list[str]
) -> None:
    """ "Population" is common in English, but it is what the question is about: a passage
    without it does not answer."""
    parsed = engine.parse(question)
    assert [parsed.rarity[term] for term in asked] == [1.0] * len(asked)
    assert min(parsed.rarity.values()) < 1.0


def test_a_corrected_typo_is_as_common_as_its_correction(engine: Engine) -> None:
    """ "requets" is no English word, but the sources' "request" it is corrected to is."""
    typed = engine.parse("how often does ice send requets")
    right = engine.parse("how often does ice send request")
    assert "request" in typed.terms
    assert typed.rarity["request"] == right.rarity["request"] < 1.0


def test_what_is_asked_for_keeps_its_full_weight_when_mistyped(engine: Engine) -> None:
    """ "requets" is corrected to "request", and what a "how many" counts stays the
    question's point however common its correction is in English."""
    parsed = engine.parse("how many detainer requets did boston police get")
    assert "request" in parsed.terms
    assert parsed.rarity["request"] == 1.0
