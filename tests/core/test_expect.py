"""The kind of answer a question's wording asks for."""

from __future__ import annotations

import pytest

from bot.core.expect import DATE, Expect, carries, expected, is_name, name_runs, new_names


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
        # "number of" inside another question counts nothing: it was answered "14 — …".
        ("How do I call a function with a variable number of arguments?", Expect.ANY),
        ("Who was Count of Melfi", Expect.PERSON),
        # Where it opens the question, it asks for a number.
        ("number of ICE holds in 2021", Expect.NUMBER),
        ("max number of columns a table can have?", Expect.NUMBER),
        ("what's the number of requests", Expect.NUMBER),
        # Typed without its apostrophe, "whats" asks as "what's" does.
        ("whats the max number of columns", Expect.NUMBER),
        ("whats an XY problem", Expect.DEFINITION),
        # "how many" inside a why- or how-question: it asks why, or how.
        ("why does bpd even need to count how many detainers come in", Expect.REASON),
        ("How was it determined how many from each camp would be appointed?", Expect.ANY),
        # Anywhere else it asks for a number.
        ("Approximately how many works of art are in the collection?", Expect.NUMBER),
        ("What is the estimate of how many physicians give out drugs?", Expect.NUMBER),
        ("ICE says it sent how many requests to Boston police in 2024?", Expect.NUMBER),
    ],
)
def test_a_question_word_that_joins_clauses_asks_nothing(question: str, kind: Expect) -> None:
    assert expected(question) is kind


@pytest.mark.parametrize(
    ("sentence", "carried"),
    [
        ("Tuples may be used as keys; lists may not.", False),  # "may" the verb
        ("The troops march on the capital.", False),
        ("The council voted in May.", True),
        ("The report came out in March 2024.", True),
        ("It was signed last month.", True),
    ],
)
def test_a_month_is_a_date_only_as_a_name(sentence: str, carried: bool) -> None:
    """A month name gives a date only capitalised: "you may" and "march on" are words, and
    a when-question's answer line must not lead with one ("may — Design and History FAQ")."""
    assert carries(Expect.DATE, sentence, "when was it decided") is carried


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        ("Warming began 22,000 years ago and goes on today.", ["22,000 years ago", "today"]),
        ("It entered a cell around a billion years ago.", ["a billion years ago"]),
        ("Three days ago he said so.", ["Three days ago"]),
        ("The ad ran for 3 days.", []),  # a duration, not a date
    ],
)
def test_a_time_counted_back_is_a_date(sentence: str, dates: list[str]) -> None:
    """A when-question's answer line reads the dates of its quote: "22,000 years ago" is one
    (the line said "today", the quote's only date before)."""
    assert [m.group(0) for m in DATE.finditer(sentence)] == dates


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("tuple vs list - when do i use which", Expect.ANY),
        ("what's a metaclass and when would i need one", Expect.ANY),
        ("when to use a generator", Expect.ANY),
        ("when do we get the results", Expect.DATE),
        ("when did the police use the fax", Expect.DATE),
        ("when should i expect a reply", Expect.DATE),
    ],
)
def test_when_to_use_or_need_something_asks_no_date(question: str, kind: Expect) -> None:
    """ "When would I need one" asks in which case, and a sentence holding a date does not
    answer it; "when do we get the results" still asks when."""
    assert expected(question) is kind


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("who is the mayor of boston", ["Boston Mayor Michelle Wu"]),  # a title is no name
        ("who stood beside wu", []),  # the person the question names
        ("who did Michelle Wu meet", []),
    ],
)
def test_a_name_the_question_holds_is_not_a_new_one(question: str, names: list[str]) -> None:
    assert new_names("At the hearing Boston Mayor Michelle Wu spoke.", question) == names


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Boston Police Department", True),
        ("City of Boston", True),
        ("ICE", True),
        ("Civil immigration detainer requests from ICE", False),  # a table cell's description
        ("by fax", False),
    ],
)
def test_a_value_is_a_name_when_its_words_are_capitalised(value: str, name: bool) -> None:
    assert is_name(value) is name


def test_a_function_word_is_no_part_of_a_name() -> None:
    """ "who is guido" was answered "For — Design and History FAQ" from a list item's "(a) For
    some operations": a run of function words alone names no one."""
    text = "As Guido said: (a) For some operations, under No Child Left Behind."
    assert name_runs(text) == ["Guido", "No Child Left Behind"]
