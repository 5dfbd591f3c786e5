"""Names typed in lower case: "how many requests did cambridge police get" asks about a place
the sources never mention as surely as "Cambridge police" does.

A capital letter marks a name in a question only when the asker types one. What marks it
whatever the case is the collection itself: a word the sources never use, standing where the
sources write names. If the sources' own text puts a capitalised word (not a sentence's first)
before "police" more often than any other word ("Boston Police", not "local police"), a word
no source uses in that place is taken for a name too. The sources decide, so one collection's
name slots ("X police") are not another's ("X function" in a programming FAQ, where lower-case
words hold that place).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from index.analyzer import TOKEN, Analyzer

# A word's place in a sentence: what lies between it and the word before decides whether the
# two are neighbours (only spaces between) and whether it starts a sentence or a line.
_STARTS = re.compile(r"[.!?:;\n\"“(]")
_SPACES = re.compile(r"[ \t]+")
# How often the sources must write a name in a slot before a word there is taken for one.
MIN_NAMES = 3
_ARTICLES = frozenset({"the", "a", "an"})


class NameSlots:
    """For each term the sources use: how often a capitalised word (a name) stands just before
    it, against how often another word does. Only the place before a word counts: a name
    there qualifies it ("Boston Police"); what follows a noun in a question is often its verb
    ("did police get"), where the sources may write the rest of a name ("Police Department")."""

    def __init__(self, texts: Iterable[str], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self._terms: dict[str, str | None] = {}
        self.name_before: Counter[str] = Counter()
        self.word_before: Counter[str] = Counter()
        self.nouns: set[str] = set()
        # Words as the sources write them: ever in lower case ("the act"), ever capitalised
        # where a sentence does not open.
        self.lowercase: set[str] = set()
        self.capitalised: set[str] = set()
        for text in texts:
            self._count(text)

    def _term(self, word: str) -> str | None:
        """The word's one index term (None for a stop word, or a word of several terms)."""
        if word not in self._terms:
            terms = self._analyzer.terms(word)
            self._terms[word] = terms[0] if len(terms) == 1 else None
        return self._terms[word]

    def _count(self, text: str) -> None:
        previous: bool | None = None  # whether the word before is a name; None: no word
        # After "the" or "a", and after "the" and a name, stands a noun ("the police", "the
        # Boston Police"), never a verb ("Police logged", "Cox said").
        article = False
        end = 0
        last = ""
        for match in TOKEN.finditer(text):
            word, gap = match.group(), text[end : match.start()]
            end = match.end()
            opens = match.start() == 0 or _STARTS.search(gap) is not None
            initial, last = len(last) == 1 and last.isupper() and gap.strip() == ".", word
            # A sentence's first word is capitalised whatever it is; a name after an initial
            # ("Frederick W. Mote") opens no sentence.
            if word.islower():
                self.lowercase.add(word)
            elif not opens or initial:
                self.capitalised.add(word.casefold())
            term = self._term(word.lower())
            after_article, article = article, word.lower() in _ARTICLES
            if term is None or opens:
                # A stop word tells nothing of a slot, nor does a sentence's first word
                # (capitalised whatever it is); either ends the run of neighbours.
                previous = None
                continue
            is_name = _is_name(word)
            if after_article and _SPACES.fullmatch(gap):
                self.nouns.add(term)
                article = is_name and previous is None
            if previous is not None and _SPACES.fullmatch(gap):
                (self.name_before if previous else self.word_before)[term] += 1
            previous = is_name

    def takes_name_before(self, term: str) -> bool:
        """Whether `term` is a noun the sources qualify with a name at least two times in three
        ("Boston Police" against "local police")."""
        names = self.name_before[term]
        return term in self.nouns and names >= MIN_NAMES and names >= 2 * self.word_before[term]

    def writes_as_name(self, party: str) -> bool:
        """Whether `party` is a name as the sources write it: its last word never in lower case
        ("the act", "police") and capitalised where a sentence does not open ("Cox", "Yablo",
        "ICE"), whatever the case the asker typed it in; a name the sources never write is one
        when the asker capitalised it ("DPW", whom only the curated facts may name)."""
        words = TOKEN.findall(party)
        last = words[-1].casefold() if words else ""
        if last in self.lowercase:
            return False
        return last in self.capitalised or party[:1].isupper()

    def names_in(self, text: str, unseen: frozenset[str]) -> list[str]:
        """The lower-case words of a question that no source uses (`unseen`, typos already
        corrected), that begin a phrase and stand just before a word the sources qualify with
        a name."""
        words = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
        found = []
        for i, (word, _, end) in enumerate(words):
            if word[0].isupper() or self._term(word.lower()) not in unseen:
                continue
            if i > 0 and self._term(words[i - 1][0].lower()) is not None:
                # A name begins its phrase ("did cambridge police"); after another word of
                # substance it is that word's verb ("the act let police").
                continue
            if i + 1 == len(words) or not _SPACES.fullmatch(text[end : words[i + 1][1]]):
                continue
            head = self._term(words[i + 1][0].lower())
            if head is not None and head not in unseen and self.takes_name_before(head):
                found.append(word)
        return list(dict.fromkeys(found))


def _is_name(word: str) -> bool:
    """A capitalised word, not one in capitals: code documentation writes its keywords so
    ("INTEGER PRIMARY KEY AUTOINCREMENT"), and an acronym there is no sign of a name slot."""
    return word[0].isupper() and not word.isupper()
