from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from index.sentences import split_sentences


def _split(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, 0, len(text))]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Mr. Smith met U.S. officials on Jan. 5. John F. Kennedy spoke! Did he? Yes."
    assert _split(text) == [
        "Mr. Smith met U.S. officials on Jan. 5.",
        "John F. Kennedy spoke!",
        "Did he?",
        "Yes.",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = "“We are committed,” Cox wrote. “Communities should feel safe.” She agreed."
    assert _split(text) == [
        "“We are committed,” Cox wrote.",
        "“Communities should feel safe.”",
        "She agreed.",
    ]


def test_a_number_that_opens_a_block_numbers_its_sentence() -> None:
    """SQLite's pages open paragraphs with "4. Removal of duplicate rows …": "4." was a
    sentence of its own. Only at the block's start, and only a short number or numeral: a
    year or a number inside a sentence still ends one."""
    assert _split("4. Removal of duplicate rows. More.") == [
        "4. Removal of duplicate rows.",
        "More.",
    ]
    assert _split("3.1. Affinity rules apply.") == ["3.1. Affinity rules apply."]
    assert _split("IV. Results. Done.") == ["IV. Results.", "Done."]
    assert _split("2024. A year.") == ["2024.", "A year."]
    assert _split("See section 3. It says so.") == ["See section 3.", "It says so."]


@given(st.text(alphabet=st.sampled_from(list("Ab .!?\n“”1")), max_size=80))
def test_spans_are_ordered_stripped_and_inside_the_range(text: str) -> None:
    spans = split_sentences(text, 0, len(text))
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    covered = "".join(text[s:e] for s, e in spans)
    assert covered.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
