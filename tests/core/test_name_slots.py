"""Names found whatever their case: a word no source uses, where the sources write names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.core.name_slots import NameSlots
from bot.loader import load_engine
from index.analyzer import Analyzer

MakeSources = Callable[[dict[str, str | bytes]], Path]

# "Police" is mostly qualified by a name here; "function" never is.
NEWS = (
    "Police Report\n\n"
    "The Springfield Police logged 12 noise complaints in 2023, a report says. "
    "Officers of the Springfield Police answered each one. "
    "The Shelbyville Police logged none that year, and local police were not asked.\n"
)
FAQ = (
    "Functions\n\n"
    "A recursive function calls itself. "
    "Every pure function returns the same value for the same arguments. "
    "Python has no tail call elimination.\n"
)


def _slots(*texts: str) -> NameSlots:
    return NameSlots(texts, Analyzer())


def test_a_word_no_source_uses_before_a_word_the_sources_qualify_with_names_is_a_name() -> None:
    slots = _slots(NEWS)
    assert slots.takes_name_before("polic")
    assert slots.names_in("did ogdenville police log complaints", frozenset({"ogdenvill"})) == [
        "ogdenville"
    ]


def test_a_known_word_a_capitalised_word_or_a_word_apart_is_no_lowercase_name() -> None:
    slots = _slots(NEWS)
    # Known to the sources: not an unseen word.
    assert slots.names_in("did springfield police log complaints", frozenset()) == []
    # Capitalised: the question's own capital already marks it (ParsedQuestion.unknown).
    assert slots.names_in("did Ogdenville police log", frozenset({"ogdenvill"})) == []
    # After a word of substance: its verb, not a name.
    assert slots.names_in("does the law let police log", frozenset({"let"})) == []
    # Not just before the slot's word.
    assert slots.names_in("did police in ogdenville log", frozenset({"ogdenvill"})) == []


def test_where_lower_case_words_qualify_a_word_it_is_no_name_slot() -> None:
    slots = _slots(FAQ)
    assert not slots.takes_name_before("function")
    assert slots.names_in("what is a lambda function", frozenset({"lambda"})) == []


def test_a_sentences_first_word_says_nothing_of_a_slot() -> None:
    # Each "Police" follows a sentence's first word, capitalised as every first word is.
    slots = _slots("Springfield Police said no. Shelbyville Police said yes.")
    assert not slots.takes_name_before("polic")


def test_a_lowercase_place_the_sources_never_mention_is_declined_like_a_capitalised_one(
    make_sources: MakeSources,
) -> None:
    engine, _ = load_engine(make_sources({"police.txt": NEWS}))
    lower = engine.ask("how many complaints did ogdenville police get?")
    upper = engine.ask("how many complaints did Ogdenville police get?")
    assert lower.status == upper.status == "no_answer"
    assert "ogdenville" in lower.note and "Ogdenville" in upper.note
    known = engine.ask("how many complaints did springfield police get?")
    assert known.status == "answered"
    assert "12" in known.snippets[0].quote


def test_a_party_is_a_name_the_sources_never_write_in_lower_case() -> None:
    """ "what did mote say" names the historian the sources write "Frederick W. Mote" (an
    initial's full stop opens no sentence); "the act" and "police" are words of the language
    there, and "Supporters" opens a sentence, however the asker types them."""
    slots = _slots(
        "The historian Frederick W. Mote wrote that the act was misread. "
        "Supporters say the police agreed."
    )
    assert slots.writes_as_name("mote")
    assert not slots.writes_as_name("Trust Act")
    assert not slots.writes_as_name("the police")
    assert not slots.writes_as_name("supporters")
    assert slots.writes_as_name("DPW")  # never written: capitalised by the asker
    assert not slots.writes_as_name("dpw")
