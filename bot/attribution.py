"""Who makes a claim: "Cox said", "the spokeswoman wrote", "according to city data"."""

from __future__ import annotations

import re

_VERBS = (
    r"(?i:said|says|wrote|writes|added|argued|argues|reported|reports|told|stated|claimed|"
    r"claims|confirmed|acknowledged|responded|noted|estimated|identified|disagreed|disputed|"
    r"denied|countered|criticized)"
)
_SPEECH = r"(?:said|says|wrote|writes|added|argued|told|stated|claimed|responded|noted)"
_ROLE = (
    r"spokes(?:wo)?man|spokesperson|officials?|agency|department|police|chief|commissioner|"
    r"city|data|records"
)
_NAME_WORD = r"[A-Z][\w.’'-]*|the|an?|of|for|and|ICE|U\.S\."
_WHO = rf"((?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD}|{_ROLE}))*)"
_PATTERNS = [
    re.compile(r"\b[Aa]ccording to\s+([^,.;]{2,60})"),
    re.compile(rf"{_WHO}\s+(?:\w+ly\s+)?{_VERBS}\b"),
    # "said Cox": a speech verb, then a capitalised speaker (not "said the department …").
    re.compile(rf"\b{_SPEECH}\s+([A-Z][\w.’'-]*(?:\s+(?:{_NAME_WORD}|{_ROLE}))*)"),
    re.compile(rf"\b(?:the|an?)\s+(agency|department|police|city)\b[^.]*?\b{_VERBS}\b"),
]
_SKIP = {"the", "a", "an", "it", "they", "he", "she", "this", "that", "in", "on", "but"}
_SKIP |= {"who", "whom", "what", "which", "when", "where", "why", "how"}


def claimant(sentence: str, context: str = "") -> str | None:
    """The speaker named in the sentence, or failing that in the sentences just before it.

    Of several candidates the one with the most capitalised words wins: "ICE spokeswoman
    Yolanda Choates" over "the agency".
    """
    for text in (sentence, context):
        found = [
            who
            for pattern in _PATTERNS
            for match in pattern.finditer(text)
            if (who := _tidy(match.group(1)))
        ]
        if found:
            return max(found, key=_capitals)
    return None


_PARTICIPLE = re.compile(r"\b(?:saying|adding|arguing|noting|claiming|insisting|writing)\b")


def claimant_at(sentence: str, at: int, context: str = "") -> str | None:
    """Who makes the claim found at offset `at` of `sentence`: the speaker named last before
    it ("ICE officials disagreed Boston Police Claims that it rejected 15 …" → Boston Police
    for the 15), unless a participle after that speaker hands the claim back to the sentence's
    subject ("…, saying that police had rejected almost 200" → ICE officials for the 200).
    With no speaker before it, the sentence's (or its context's) speaker."""
    found = sorted(
        (match.end(1), match.start(1), who)
        for pattern in _PATTERNS
        for match in pattern.finditer(sentence)
        if (who := _tidy(match.group(1)))
    )
    before = [(end, start, who) for end, start, who in found if end <= at]
    if not before:
        return claimant(sentence, context)
    end, _, nearest = before[-1]
    if _PARTICIPLE.search(sentence, end, at):
        return min(found, key=lambda f: f[1])[2]
    # A speaker named after the figure ("…, ICE spokeswoman Yolanda Choates wrote") may say
    # more of who spoke than a generic one before it ("the agency identified 198 …").
    after = [who for end, start, who in found if start > at]
    return max([nearest, *after], key=_capitals)


def _capitals(who: str) -> int:
    return sum(x[:1].isupper() for x in who.split())


def _tidy(who: str) -> str | None:
    words = who.split()
    while words and words[0].lower() in _SKIP:
        words = words[1:]
    if not words:
        return None
    return " ".join(words)
