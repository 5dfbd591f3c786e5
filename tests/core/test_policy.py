"""The answer-or-decline rules that hold whatever the scores (bot/core/policy.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.policy import answer_problem, card_facts
from bot.core.question import Asks, ParsedQuestion, parse_question
from bot.facts.models import Fact
from bot.loader import load_engine
from index.analyzer import Analyzer


def parsed(question: str, vocabulary: tuple[str, ...] = ()) -> ParsedQuestion:
    return parse_question(question, Analyzer({}), vocabulary)


REQUESTS = "The department received 57 civil immigration detainer requests in 2025."


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        ("How many officers does the department have?", REQUESTS, False),
        ("How many detainer requests did it receive?", REQUESTS, True),
        ("How many detaner requets did it receive?", REQUESTS, True),  # typos forgiven
        ("How many detainers did it receive?", REQUESTS, True),  # plurals folded
        ("How many immigrants live here?", REQUESTS, False),  # not "immigration"
        ("How many tons are absorbed?", "It absorbs 1.5 gigatons of carbon.", True),
        ("How many hit points does the boss have?", "The boss has 4,500 HP.", True),
        ("How many hit points does the boss have?", "The boss has 4,500 MP.", False),
        ("How many people were at risk?", "It rejected 15 requests to detain people.", False),
        (  # "such requests" counts requests, like the figure before it
            "How many people were deported?",
            "It rejected 15 requests to detain people, in fact almost 200 such requests.",
            False,
        ),
        ("How many homicides were there in 2024?", "A press conference, December 27, 2024.", False),
        ("How many immigrants live here?", "It refused 100% of the requests.", False),
        ("How many times did they win?", "They won the cup twice as well.", True),
        (
            "How many players were selected?",
            "The defense gave 308 points; four of them went.",
            True,
        ),
    ],
)
def test_a_count_must_count_what_is_asked(question: str, text: str, answers: bool) -> None:
    assert (answer_problem(parsed(question), text) is None) is answers


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        ("What is the salary of the commissioner?", REQUESTS, False),
        ("How much is the budget?", "The budget is $2.5 million.", True),
        ("How much does ICE spend on detention?", "ICE spends 40 euros a day.", True),
        ("How old is the commissioner?", "Commissioner Cox, 2024.", False),
        ("How old are the fossils?", "Fossils 515 million years old were found.", True),
        ("How old must a member be?", "A member must be over the age of 18.", True),
    ],
)
def test_money_and_ages_must_be_stated(question: str, text: str, answers: bool) -> None:
    assert (answer_problem(parsed(question), text) is None) is answers


def test_a_name_the_question_already_gives_is_not_its_answer() -> None:
    fact = Fact(
        subject="Police", measure="police commissioner", value="Michael Cox",
        claimed_by="x", source="s.txt", quote="Commissioner Michael Cox", start=0, end=24, line=1,
    )  # fmt: skip
    assert card_facts(parsed("Who is the police commissioner?"), [fact]) == [fact]
    assert card_facts(parsed("Who was the commissioner before Michael Cox?"), [fact]) == []


def test_only_a_name_that_says_what_it_counts_vouches_for_a_count() -> None:
    fact = Fact(
        subject="Police", measure="detainer requests ignored", value="15", number=15,
        aliases=["not honored"], claimed_by="x", source="s.txt", quote="15 requests",
        start=0, end=11, line=1,
    )  # fmt: skip
    assert card_facts(parsed("How many detainer requests were ignored?"), [fact]) == [fact]
    assert card_facts(parsed("How many people were deported?"), [fact]) == []


def test_a_tables_figure_counts_what_its_column_names() -> None:
    """ "| **Entire Embed** | **6000** |" under a "Characters" column counts characters: it
    answered "how many embeds can i send in one message" as if it counted embeds."""
    fact = Fact(
        subject="Embed Limits", measure="**Entire Embed**", value="6000", number=6000,
        counts="Characters", claimed_by="x", source="d.md", quote="| **Entire Embed** | **6000**",
        start=0, end=27, line=1, origin="table",
    )  # fmt: skip
    assert card_facts(parsed("how many embeds can i send in one message"), [fact]) == []
    assert card_facts(parsed("how many characters can an entire embed hold"), [fact]) == [fact]


def test_parsing_finds_what_the_rules_need() -> None:
    q = parsed("According to ICE, how many detainer requests did Boston police ignore last year?")
    assert q.claimant == "ICE"
    assert q.counted == ("detainer", "requests")
    assert q.period.relative == -1
    assert parsed("How old is Michael Cox?").asks == {Asks.AGE}
    assert parsed("Did Cox say how many requests came?").claimant == "Cox"
    assert parsed("Who said the department may have other numbers?").claimant is None
    assert parsed("What is the number of requests?").counted == ("requests",)
    assert parsed("Requests grew in number of cities?").counted == ()


def test_a_misspelt_name_is_not_an_unknown_name() -> None:
    vocabulary = ("sheepshank", "paint", "museum")
    assert parsed("How many paintings did John Sheeshanks give?", vocabulary).unknown == ("John",)
    assert parsed("How many paintings did Tulsa give?", vocabulary).unknown == ("Tulsa",)


def test_a_mistyped_word_searches_as_the_word_the_sources_use() -> None:
    vocabulary = ("detain", "request", "ignor", "boston")
    q = parsed("how many detaner requets were ignord in Bostn?", vocabulary)
    assert set(q.terms) >= {"detain", "request", "ignor", "boston"}
    assert "marathon" in parsed("how many ran the marathon?", vocabulary).terms  # no match


def test_chat_shorthand_searches_as_the_word_it_stands_for_where_the_sources_use_it() -> None:
    """ "whats the diff between == and is" was declined over a FAQ that writes "difference":
    "diff", which no source uses, weighed the most. Shorthand (index/shorthand) searches as
    its expansion where the sources use that word, and stays as typed where they do not, or
    where they use the shorthand itself."""
    vocabulary = ("differ", "peopl", "live", "boston")
    q = parsed("whats the diff between lists and tuples", vocabulary)
    assert "differ" in q.terms and "diff" not in q.terms and "diff" not in q.unseen
    assert "peopl" in parsed("what does it mean for ppl living in boston", vocabulary).terms
    assert "msg" in parsed("how long can a msg be", vocabulary).unseen  # "messag" not used
    assert "msg" in parsed("how long can a msg be", ("msg", "messag")).terms  # theirs too
    assert parsed("can ur bot help", vocabulary).terms == ("bot", "help")  # "you are"
    assert "r" in parsed("how do i call r from python", vocabulary).terms  # R, not "are"


def test_rewordings_share_one_key() -> None:
    assert parsed("How many requests were ignored?").key == parsed("requests ignored: how many").key


def test_a_figure_compared_with_the_one_before_counts_the_same_thing() -> None:
    text = "Police said the 15 applications they received were down from 19 in 2023."
    assert answer_problem(parsed("How many ICE agents work here?"), text) is not None
    assert answer_problem(parsed("How many applications came in 2023?"), text) is None


@pytest.mark.parametrize(
    ("question", "text", "answers"),
    [
        ("What is the address of the ICE office?", "ICE has not used this email address.", False),
        ("What is the office's street address?", "The office is at 1 Ashburton Place.", True),
        ("What is the address of the depot?", "Write to P.O. Box 120, Boston.", True),
        ("What time do stations open?", "Stations opened on December 27, 2024.", False),
        ("What time do stations open?", "Stations open at 9 a.m. on weekdays.", True),
        ("What time does it open?", "It is open 08:30 to 17:00.", True),
    ],
)
def test_an_address_or_a_time_of_day_must_be_stated(
    question: str, text: str, answers: bool
) -> None:
    assert (answer_problem(parsed(question), text) is None) is answers


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How did Cox address the requests?", set()),  # the verb
        ("What time period does the report cover?", set()),
        ("What time framd does the war cover?", set()),  # a typo of another noun
        ("What is Cox's address?", {Asks.ADDRESS}),
        ("What time does the office open?", {Asks.CLOCK}),
        ("Where are the office hours listed?", set()),
        ("What is the phone number of the station?", {Asks.PHONE}),
        ("How do I call a function with a variable number of arguments?", set()),
    ],
)
def test_what_only_one_form_answers_is_read_from_the_question(
    question: str, asks: set[Asks]
) -> None:
    assert parsed(question).asks == asks


def test_a_phone_number_must_be_stated() -> None:
    question = parsed("What is the department's phone number?")
    assert answer_problem(question, "The department received 57 requests.") is not None
    assert answer_problem(question, "Call the department at (617) 343-4500.") is None


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("how many detainers come in each year", "detainers"),
        ("How many ICE agents work here?", "ice agents"),
        ("How many officers does the department have?", "officers"),
    ],
)
def test_a_decline_names_what_is_counted_not_the_verb_after_it(question: str, named: str) -> None:
    text = "The office logged 12 towing complaints in 2023."
    assert answer_problem(parsed(question), text) == (
        f"The closest passage counts towing complaints, not {named}."
    )


KEYWORDS = """# Keywords

Python has keywords such as `with` and `if`, all of them reserved for the language.

```python
with open(path) as f:
    x = 21
    y = 42
```
"""


@pytest.mark.parametrize("semantic", [False, True])
def test_a_literal_in_code_counts_nothing(
    make_sources: Callable[[dict[str, str | bytes]], Path], semantic: bool
) -> None:
    """ "How many keywords does python have" is not answered by a window whose only figures
    are an example's literals (`x = 21`): code counts nothing the question asks about."""
    engine, _ = load_engine(make_sources({"keywords.md": KEYWORDS}), semantic=semantic)
    answer = engine.ask("how many keywords does python have")
    assert answer.status == "no_answer"
    assert answer.note == "The sources give no number of keywords."
