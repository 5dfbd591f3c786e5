"""Who makes a claim: "Cox said", "the spokeswoman wrote", "according to city data"."""

from __future__ import annotations

import re

_VERBS = (
    r"(?:said|says|wrote|writes|added|argued|argues|reported|reports|told|stated|claimed|"
    r"claims|confirmed|acknowledged|responded|noted|estimated|identified)"
)
_ROLE = (
    r"spokes(?:wo)?man|spokesperson|officials?|agency|department|police|chief|commissioner|"
    r"city|data|records"
)
_NAME_WORD = r"[A-Z][\w.’'-]*|the|an?|of|for|and|ICE|U\.S\."
_WHO = rf"((?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD}|{_ROLE}))*)"
_PATTERNS = [
    re.compile(r"\b[Aa]ccording to\s+([^,.;]{2,60})"),
    re.compile(rf"{_WHO}\s+(?:\w+ly\s+)?{_VERBS}\b"),
    re.compile(rf"\b{_VERBS}\s+{_WHO}"),
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
            return max(found, key=lambda w: sum(x[:1].isupper() for x in w.split()))
    return None


def _tidy(who: str) -> str | None:
    words = who.split()
    while words and words[0].lower() in _SKIP:
        words = words[1:]
    if not words:
        return None
    return " ".join(words)
