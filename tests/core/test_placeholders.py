"""Names in the code a question quotes: which words are the asker's own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.placeholders import code_names
from bot.core.question import ParsedQuestion
from bot.loader import load_engine
from bot.models import Answer

MakeSources = Callable[[dict[str, str | bytes]], Path]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("why does nums.sort() give me None", {"nums"}),  # a method's receiver
        ("why ', '.join(lst) and not lst.join(', ')", {"lst"}),  # an argument; not ", "
        ("def f(items=[]) keeps growing", {"f", "items"}),  # a called name, its parameter
        ("t = ([1], 2); t[0] += [3] fails", {"t"}),  # assigned, subscripted
        ("select max(salary) from emp", {"max", "salary"}),
        ("sqlite3.OperationalError: database is locked", set()),  # a module's class: no call
        ("how many requests (in 2024) did ice send", set()),  # prose in brackets
        ("is a == b the same as a is b", set()),  # a comparison assigns nothing
    ],
)
def test_the_names_of_code_are_receivers_calls_subscripts_assignments_and_arguments(
    question: str, names: set[str]
) -> None:
    assert code_names(question) == names


def _asked(
    make_sources: MakeSources, name: str, text: str, question: str
) -> tuple[Engine, ParsedQuestion, Answer]:
    """A lexical engine over one file, the question as it parses, and its answer."""
    engine, _ = load_engine(make_sources({name: text}), semantic=False)
    return engine, engine.parse(question), engine.ask(question)


def test_the_askers_own_names_are_not_searched_and_cost_no_answer(
    make_sources: MakeSources,
) -> None:
    """ "nums" in "why does nums.sort() give me None" is the asker's list: no source can use
    it, and searched it weighed more than the rest of the question, which was declined for
    want of it. Left out, the question is answered from the page on sorting. A word no
    source uses outside code still counts as missing."""
    guide = (
        "Sorting Lists\n\n"
        "The sort method of a list sorts it in place and returns None, so that nobody "
        "mistakes it for a sorted copy of the list.\n\n"
        "Copying Lists\n\n"
        "A slice of the whole list copies it, and so does the list constructor.\n"
    )
    engine, asked, answer = _asked(
        make_sources, "lists.txt", guide, "why does nums.sort() give me None"
    )
    assert "num" not in asked.terms and "num" not in asked.unseen
    assert answer.status == "answered" and "returns None" in answer.snippets[0].quote
    prose = engine.parse("why do nums give me None when sorting")
    assert "num" in prose.unseen


def test_a_keyword_read_as_code_beside_an_operator_is_searched_only_where_sources_use_it(
    make_sources: MakeSources,
) -> None:
    """ "between" in "whats the difference between == and is" is English, read as code for
    standing next to "==": no source writes it as code, and searched it weighed as much as a
    word no source uses (the most), declining the question. "is", which the page writes as
    code, is still searched; a keyword the asker writes as code ("DO" in capitals) is searched
    whether or not the sources write it."""
    faq = (
        "Identity\n\n"
        "The ``is`` operator tests for object identity, and ``==`` tests for equality of "
        "value. Two equal lists need not be the same object.\n\n"
        "Upserts\n\n"
        "An INSERT statement may name a conflict target and what happens on a conflict.\n"
    )
    engine, asked, answer = _asked(
        make_sources, "faq.rst", faq, "whats the difference between == and is"
    )
    assert "`between" not in asked.terms and {"`is", "`=="} <= set(asked.terms)
    assert answer.status == "answered" and "object identity" in answer.snippets[0].quote
    assert "`do" in engine.parse("how to upsert: INSERT ... ON CONFLICT DO UPDATE").unseen
