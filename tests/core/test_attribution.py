"""Who makes a claim, and whether a party is the claimant a question names."""

from __future__ import annotations

from bot.core.attribution import claimant, names_party


def test_a_claimant_is_matched_by_whole_words() -> None:
    assert names_party("ICE", "ICE (spokeswoman Yolanda Choates)")
    assert not names_party("ICE", "Boston Police (Commissioner Michael Cox)")  # not in "police"
    assert not names_party(None, "ICE") and not names_party("ICE", None)


def test_a_title_in_the_question_need_not_be_in_the_source() -> None:
    """ "Mayor Wu" is the Wu of "Wu said"; a title alone still has to match."""
    assert names_party("Mayor Wu", "Wu")
    assert names_party("Mayor Wu", "Boston Mayor Michelle Wu")
    assert not names_party("Mayor Wu", "Cox")
    assert names_party("the commissioner", "Police Commissioner Michael Cox")
    assert not names_party("the commissioner", "ICE spokeswoman Yolanda Choates")


def test_the_speaker_of_a_sentence_or_of_the_sentences_before_it() -> None:
    assert claimant("Cox said all of last year’s applications sent by fax.") == "Cox"
    assert claimant("Instead, she added, officers were forced to track them down.") is None
    context = "ICE spokeswoman Yolanda Choates wrote in an email. Instead, she added, …"
    assert claimant("Instead, she added, …", context) == "ICE spokeswoman Yolanda Choates"
