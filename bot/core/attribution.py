"""Who makes a claim: "Cox said", "the spokeswoman wrote", "according to city data"."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

# A word of the claimant a question names matches a party's word this well (rapidfuzz ratio).
CLAIMANT_RATIO = 90.0
# Titles before a name, which a source may leave out when it quotes the person.
_TITLES = frozenset(
    """mayor governor commissioner chief president senator spokeswoman spokesman spokesperson
    director secretary minister judge officer sheriff councilor councillor""".split()
)

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
    # "Cox said", "the IPCC has since acknowledged": up to two helping words between.
    re.compile(rf"{_WHO}\s+(?:(?:has|have|had|also|since|later|then|\w+ly)\s+){{0,2}}{_VERBS}\b"),
    # "Mariellen Burns, communications chief for the department, responded": a title between.
    re.compile(rf"{_WHO},\s+[^,.;“”\"]{{2,80}},\s+(?:\w+ly\s+)?{_VERBS}\b"),
    # "said Cox": a speech verb, then a capitalised speaker (not "said the department …").
    re.compile(rf"\b{_SPEECH}\s+([A-Z][\w.’'-]*(?:\s+(?:{_NAME_WORD}|{_ROLE}))*)"),
    re.compile(rf"\b(?:the|an?)\s+(agency|department|police|city)\b[^.]*?\b{_VERBS}\b"),
]
_SKIP = {"the", "a", "an", "it", "they", "he", "she", "this", "that", "in", "on", "but"}
_SKIP |= {"who", "whom", "what", "which", "when", "where", "why", "how"}
# A day or a month after a speech verb is when, not who: "responded Friday".
_WHEN = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)


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
    if not words or words[0].lower() in _WHEN:
        return None
    return " ".join(words)


def names_party(claimant: str | None, party: str | None) -> bool:
    """Whether `party` is the `claimant` a question names: each of its words is a word of the
    party's, typos forgiven ("ICE" in "ICE (spokeswoman …)", not in "Boston Police")."""
    if not claimant or not party:
        return False
    named = [w for w in _words(claimant) if w != "the"]
    wanted = [w for w in named if w not in _TITLES] or named  # "Mayor Wu" is "Wu said"
    theirs = _words(party)
    return bool(wanted) and all(
        any(fuzz.ratio(w, t) >= CLAIMANT_RATIO for t in theirs) for w in wanted
    )


def _words(text: str) -> list[str]:
    """Whole words, case folded: "ICE" must not be found inside "police"."""
    return re.findall(r"[^\W_]+", text.casefold())
