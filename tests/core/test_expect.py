"""The kind of answer a question's wording asks for."""

from __future__ import annotations

import pytest

from bot.core.expect import Expect, expected


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("when did the council vote", Expect.DATE),
        ("ok so when is the next meeting?", Expect.DATE),
        ("hey, who runs the agency?", Expect.PERSON),
        ("does anyone know where the form is", Expect.PLACE),
        ("since when is this the rule", Expect.DATE),
        ("in what year was it built", Expect.DATE),
        ("the list changed. why?", Expect.REASON),
        ("how many requests were sent", Expect.NUMBER),
    ],
)
def test_a_question_word_that_opens_a_question_asks(question: str, kind: Expect) -> None:
    assert expected(question) is kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # A conjunction: the error happens at a time, but the question asks why.
        ("TypeError: unhashable type: 'list' when i use a list as a key. why??", Expect.REASON),
        ("my bot crashes when i run it", Expect.ANY),
        # A relative pronoun or adverb: no name, no place asked for.
        ("can a member who left rejoin the server", Expect.ANY),
        ("what goes in the file where the token is kept", Expect.ANY),
    ],
)
def test_a_question_word_that_joins_clauses_asks_nothing(question: str, kind: Expect) -> None:
    assert expected(question) is kind
