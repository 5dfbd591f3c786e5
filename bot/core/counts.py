"""What a figure counts, and whether a text can answer a "how many".

"How many detainer requests …" is not answered by "2048 characters": a count answers only if
it counts the thing asked or does not say what it counts. The policy declines the best window
on this test (policy.answer_problem) and the ranking reads the same test sentence by sentence
(bot/core/evidence.py), so a window is not ranked as giving the count the policy would refuse.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.core.figures import find_figures
from bot.core.number_words import VAGUE
from bot.core.question import TYPO_RATIO, counted_words, fold_word, plural

# Words before a figure that compare it with the figure before: "down from 19", "than 12".
COMPARED = re.compile(r"\b(?:from|than|to|and|or|versus|vs\.?)\s+$", re.I)


def count_problem(wanted: tuple[str, ...], text: str, question: str) -> str | None:
    """Why `text` cannot answer a "how many" of `wanted` (`ParsedQuestion.counted`): it gives
    no count, or every count in it says it counts something else. None when it may."""
    figures = counted_figures(text, question)
    if not figures:
        return f"The sources give no number of {_counted_phrase(wanted)}."
    labelled = [words for words in figures if words]
    if len(labelled) == len(figures) and not any(counts(wanted, words) for words in labelled):
        return f"The closest passage counts {' '.join(labelled[0])}, not {_counted_phrase(wanted)}."
    return None


def counted_figures(text: str, question: str) -> list[tuple[str, ...]]:
    """The counts in `text`: figures that are not shares ("100%") or already in the question,
    each with the words of what it counts ("57 civil immigration detainer requests" → those
    four words; empty when the text does not say, as in "two in 2021", or for "twice"). A
    figure compared with the one before ("down from 19") counts what that one counts."""
    asked = {f.text.lower() for f in find_figures(question)}
    out: list[tuple[str, ...]] = []
    for f in find_figures(text):
        if f.text.lower() in asked or f.share:
            continue
        words = () if f.text.lower() in VAGUE else counted_words(f.after)
        if not words and out and COMPARED.search(text, max(0, f.start - 12), f.start):
            words = out[-1]  # "15 applications … down from 19": the 19 counts them too
        out.append(words)
    return out


def counts(wanted: tuple[str, ...], counted: tuple[str, ...]) -> bool:
    """Whether a figure counting `counted` counts what the question asks for: the head of
    what is asked (its last plural, "agents" in "ICE agents work") among the figure's words,
    plurals folded, typos forgiven ("requets" and "requests"), a unit within a unit ("tons"
    in "gigatons"), or the initials of what is asked ("HP" counts hit points)."""
    head = fold_word(_head(wanted))
    theirs = {fold_word(w) for w in counted}
    if len(wanted) > 1 and "".join(w[0] for w in wanted) in theirs:
        return True  # "hit points" counted as "4,500 HP"
    return any(fuzz.ratio(head, b) >= TYPO_RATIO or (len(head) >= 3 and head in b) for b in theirs)


def _counted_phrase(words: tuple[str, ...]) -> str:
    """What a "how many" counts, as a note names it: its words up to its head noun ("how many
    detainers come in" counts "detainers", not "detainers come")."""
    head = _head(words)
    return " ".join(words[: len(words) - words[::-1].index(head)])


def _head(words: tuple[str, ...]) -> str:
    """The noun a counted phrase is about: its last word ending in -s, else its last word."""
    plurals = [w for w in words if plural(w)]
    return (plurals or list(words))[-1]
