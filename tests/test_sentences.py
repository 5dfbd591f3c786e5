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
