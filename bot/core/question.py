"""A user's question, cleaned once and parsed once: every later step reads this object.

Cleaning says what it changed (notes); parsing finds what the rest of the bot asks of a
question: its search terms, the kind of answer it wants, its years and named claimant, what a
"how many" question counts, the names it uses that no source does, and (in semantic mode) its
vector. Nothing downstream cleans or analyzes the question's text again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.core.expect import YEAR, Expect, defined_thing, expected
from bot.core.placeholders import code_names
from bot.facts.periods import PeriodQuery, parse_period
from index.analyzer import (
    CODE_MARK,
    STOPWORDS,
    TOKEN,
    Analyzer,
    keywords_near_operators,
    normalize,
)
from index.rarity import rarity
from index.shorthand import expansion

MAX_QUESTION_CHARS = 500
# Two words this alike (rapidfuzz's ratio, 0-100) are one word mistyped: "requets", "requests".
TYPO_RATIO = 85.0
# Stems shorter than this are too short to tell a typo from another word ("cap", "cop").
MIN_TYPO_STEM = 5
# The closest source terms weighed as a typo's correction, best first.
MAX_TYPO_MATCHES = 5


class QuestionError(ValueError):
    """The question cannot be asked at all (it is empty once cleaned)."""


class CleanQuestion(BaseModel):
    text: str
    notes: list[str]


class QueryEncoder(Protocol):
    """What parsing needs of the sentence encoder (index.encoder.Encoder)."""

    def encode_query(self, text: str) -> np.ndarray: ...


_SPACES = re.compile(r"\s+")
# The wording of a question's frame, which no answer repeats: "how long" asks for a duration,
# "what does ICE stand for" for a long form.
_QUESTION_FRAME = re.compile(
    r"\bhow (?:long|far|old|often|big|large|high|tall|fast)\b|\bstands? for\b", re.I
)
# Capitalised words after the first: names and places ("Chicago", "Cox").
_NAME_WORD = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w’'-]*[A-Za-z]")
# What a "how many" question counts: the words after it, up to its verb or a preposition.
_COUNTED = re.compile(
    r"\b(?:how many|^(?:what|which) (?:is |was |were )?(?:the )?number of|^(?:the )?number of)"
    r"\s+(?:of\s+)?(?:the\s+)?((?:[^\W\d_][\w’'-]*\s*){1,4})",
    re.I,
)
# "Who said …", "who wrote that …": the question asks who made a statement, which only a quote
# of the statement answers (a fact card names who holds a role, not what they said).
_SPEAKER = re.compile(
    r"^who\s+(?:said|says|wrote|writes|told|tells|claimed|claims|argued|argues|stated|states|"
    r"acknowledged|admitted|criticized|criticised|warned|added|explained|insisted)\b",
    re.I,
)
# "Who is Mariellen Burns?", "what role does Burns have?", "what is Cox's job?", "what does
# Yolanda Choates do?": the question names a person and asks what role they hold.
_PERSON = r"((?-i:[A-Z])[\w’'.-]*(?:\s+(?-i:[A-Z])[\w’'.-]*){0,3})"
_ROLE = r"(?:role|job|title|position|post|office)"
_ROLE_OF = re.compile(
    rf"^(?:who(?:'s|’s|\s+is|\s+was)\s+{_PERSON}"
    rf"|(?:what|which)\s+{_ROLE}\s+(?:does|did|do)\s+{_PERSON}\s+(?:have|hold|play|fill)"
    rf"|what(?:'s|’s|s|\s+is|\s+was)\s+{_PERSON}(?:'s|’s)\s+{_ROLE}"
    rf"|what\s+(?:does|did)\s+{_PERSON}\s+do(?:\s+for\s+a\s+living)?"
    rf"|what\s+is\s+the\s+{_ROLE}\s+of\s+{_PERSON})\s*\??$",
    re.I,
)
# "What law keeps …", "which official confirmed …": the kind of thing named as the answer.
_WHICH = re.compile(
    r"^(?:what|which)\s+(?!(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|"
    r"should|may|might|must|happens?|happened|else|if|about)\b)([a-z]+)\s+(?!of\b)\w",
    re.I,
)
# "What is the population of Springfield?", "whats the crime rate in …": the attribute asked
# for, named before the thing it belongs to.
_ATTRIBUTE = re.compile(
    r"^what(?:'s|’s|s|\s+is|\s+are|\s+was|\s+were)\s+(?:the\s+|a\s+|an\s+)?"
    r"((?:[^\W\d_][\w’'-]*\s+){0,2}?[^\W\d_][\w’'-]*)\s+(?:of|in|for|at|on|from|between|per)\b",
    re.I,
)
# "What did Mayor Wu say about …", "how did cox say …": what a party said, which only a quote
# of that party's words answers. The party is typed in any case; whether the sources write it
# as a name is for the engine to tell (`Engine.parse`): "what does the Trust Act say" asks
# what the act's text says, not for a statement of the act's. Only `_STATEMENT_OF` (a party
# capitalised) drops the frame's verb from the search terms: dropped for any party ("what does
# the term … mean"), it moved XQuAD's answers, both ways.
_SAID = r"\s+(?P<verb>(?-i:say|said|think|claim|argue|write|tell|state|respond|mean))\b"
_SAID_BY = r"^(?:what|how)\s+(?:did|does|do|has|have|had)\s+(?:the\s+)?"
_STATEMENT_OF = re.compile(rf"{_SAID_BY}{_PERSON}{_SAID}", re.I)
_STATEMENT_PARTY = re.compile(rf"{_SAID_BY}(\w[\w’'.-]*(?:\s+[\w’'.-]+){{0,3}}?){_SAID}", re.I)
# What the claimant pattern can catch that names no party: "Who said …", "What did it say".
_NOT_A_CLAIMANT = frozenset("who what which where when why how it they he she".split())


class Asks(StrEnum):
    """What only one form of answer can answer, whatever the score: an age is not a date, a
    phone number or a street address not a name (policy.py holds each form's pattern)."""

    AGE = "age"
    PHONE = "phone number"
    ADDRESS = "address"
    CLOCK = "time of day"


ASKS = {
    Asks.AGE: re.compile(r"\bhow old\b|\bwhat (?:is|was) (?:the |\w+'s |\w+’s )?age\b", re.I),
    Asks.PHONE: re.compile(
        r"\b(?:phone|telephone)\b|\bnumber (?:do|should|can) (?:i|we) call\b", re.I
    ),
    # The noun, not the verb ("how did Cox address the requests" asks no address).
    Asks.ADDRESS: re.compile(
        r"\b(?:the|an|its|their|his|her|\w+['’]s)\s+(?:(?:street|mailing|postal|home|office)\s+)?"
        r"address\b|\baddress\s+of\b",
        re.I,
    ),
    Asks.CLOCK: re.compile(
        r"\bwhat time (?:do|does|did|is|was|will|are|were|should|can)\b",  # not "what time frame"
        re.I,
    ),
}
_COUNTED_STOP = frozenset(
    """did does do is are was were have has had will would can could should been there in on
    at from to for by with that which who this these those per each a an""".split()
)
# Words before a counted noun that point back at it: "almost 200 such requests" counts requests.
_COUNTED_LEAD = frozenset({"such", "other", "more", "further", "additional"})
# "according to ICE", "did Cox say", "does the agency claim": the party the question asks about.
_CLAIMANT = re.compile(
    r"\baccording to ((?:the )?[\w’'. -]{2,40}?)(?:[,?]|$| how| what| who| when| did| does)"
    r"|\b(?:did|does|do)\s+(?:the\s+)?([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+"
    r"(?:say|said|claim|report|write|state)\b"
    r"|\b([A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s+(?:says|said|claims|reported|wrote)\b",
    re.I,
)


def _is_control(ch: str) -> bool:
    """Control, format, private-use and unassigned characters (Unicode category C*)."""
    return unicodedata.category(ch).startswith("C")


def clean_question(raw: str) -> CleanQuestion:
    """Normalise as the index does (NFKC, invisible format characters such as a soft hyphen
    dropped: "de\u00adtainer" is "detainer"), drop control characters, fold white space, and
    cut over-long questions at a word."""
    notes: list[str] = []
    text = normalize(raw)
    if not text.isprintable():  # else it holds no character of category C*: nothing to drop
        if any(_is_control(ch) and not ch.isspace() for ch in text):
            notes.append("Control characters were removed from the question.")
        text = "".join(" " if _is_control(ch) else ch for ch in text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise QuestionError("The question is empty: please type a question.")
    if len(text) > MAX_QUESTION_CHARS:
        cut = text.rfind(" ", 0, MAX_QUESTION_CHARS)
        text = text[: cut if cut > MAX_QUESTION_CHARS // 2 else MAX_QUESTION_CHARS]
        notes.append(
            f"The question was {len(raw):,} characters long; only its first "
            f"{len(text)} characters were used."
        )
    return CleanQuestion(text=text, notes=notes)


def plural(word: str) -> bool:
    """Whether a word reads as a plural: "-s" on four letters or more, not "-ss" ("requests",
    "Characters"; not "bus", "class")."""
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss")


def fold_word(word: str) -> str:
    """A word with case and a plural ending folded: "Detainers" → "detainer". Unlike a stem it
    keeps "immigrants" apart from "immigration", which is what counting needs."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if plural(word):
        return word[:-1]
    return word


def counted_words(phrase: str) -> tuple[str, ...]:
    """The words of what a phrase counts, lowercased, up to its first function word or verb:
    "detainer requests did Boston" → ("detainer", "requests"); "requests to detain" →
    ("requests",); "such requests" → ("requests",)."""
    out: list[str] = []
    for raw in phrase.split():
        word = raw.strip("’'-,.;:?!").lower()
        if not out and word in _COUNTED_LEAD:
            continue
        if not word or word in STOPWORDS or word in _COUNTED_STOP:
            break
        out.append(word)
        if raw[-1:] in ",.;:?!":
            break
    return tuple(out)


@dataclass(frozen=True)
class ParsedQuestion:
    """Everything the bot reads from one question, computed once."""

    raw: str
    text: str
    """The cleaned question, as echoed back and logged."""
    notes: tuple[str, ...]
    """What cleaning changed, for the answer's note."""
    terms: tuple[str, ...]
    """Search terms (analyzed, the question's frame such as "how long" removed)."""
    words: str
    """All the question's analyzed words in order: what fuzzy matching compares."""
    key: str
    """Distinct analyzed words, sorted: equal for rewordings (pins, the declined log)."""
    kind: Expect
    years: frozenset[str]
    period: PeriodQuery
    period_words: str
    """The analyzed words without the period ("in 2024", "last year"): fact look-ups."""
    unknown: tuple[str, ...]
    """Names (people, places) that no source uses: capitalised words here, and words typed in
    lower case where the sources write names (added by `Engine.parse`: bot/core/name_slots.py)."""
    subject: tuple[str, ...]
    """Terms that name what a document is about ("pytest" for `pytest.rst`): the answer
    comes from that document or a passage holding the term (added by `Engine.parse`:
    bot/core/subjects.py)."""
    unseen: frozenset[str]
    """Search terms no source uses, typos corrected first ("cops", "governor")."""
    counted: tuple[str, ...]
    """For "how many X": X's content words ("detainer", "requests")."""
    asks: frozenset[Asks]
    """ "How old is …", "what is the address of …": what only one form of answer answers."""
    claimant: str | None
    """The party the question asks about ("according to ICE"), if it names one."""
    asks_speaker: bool
    """ "Who said …": who made a statement, not who holds a role."""
    role_of: str | None
    """ "Who is Mariellen Burns?", "what role does Burns have?": the person whose role is asked."""
    statement_of: str | None
    """ "What did Mayor Wu say about …": the party whose own words are asked for."""
    which: str | None
    """ "What law keeps …", "which official …": the kind of thing the answer names ("law"),
    which a fact naming one can answer."""
    long_form: re.Pattern[str] | None
    """For "what is ICE" (an acronym the sources spell out): its long form as sources write it
    ("Immigration and Customs Enforcement"); a sentence that gives it says what ICE is."""
    vector: np.ndarray | None
    """The question's sentence vector (semantic mode), else None."""
    rarity: Mapping[str, float] = field(default_factory=dict)
    """Each term's rarity in general English (index/rarity), from the rarest question word
    that gives it; a term not here (a code term) counts as rare (1)."""


def parse_question(
    raw: str,
    analyzer: Analyzer,
    vocabulary: Collection[str],
    encoder: QueryEncoder | None = None,
) -> ParsedQuestion:
    """Clean and parse `raw`; QuestionError when nothing is left to ask."""
    cleaned = clean_question(raw)
    text = cleaned.text
    period = parse_period(text)
    every = analyzer.terms(text)
    short = _shorthand(text, analyzer, vocabulary)
    theirs = (
        _asker_names(text, every, analyzer, vocabulary)
        | _unused_keywords(text, vocabulary)
        | {t for t, meant in short.items() if meant is None}
    )
    raw_terms = [t for t in every if t not in theirs]
    spelt = _spellings(raw_terms, vocabulary) | {t: m for t, m in short.items() if m is not None}
    all_terms = [spelt.get(t) or t for t in raw_terms]
    found_count = _COUNTED.search(text)
    counted = counted_words(found_count.group(1)) if found_count else ()
    claimant = _claimant(text)
    said = _STATEMENT_OF.search(text)
    terms = tuple(
        spelt.get(t) or t for t in analyzer.terms(_frame_removed(text, said)) if t not in theirs
    )
    return ParsedQuestion(
        raw=raw,
        text=text,
        notes=tuple(cleaned.notes),
        terms=terms,
        words=" ".join(all_terms),
        key=" ".join(sorted(set(all_terms))),
        kind=expected(text),
        years=frozenset(YEAR.findall(text)),
        period=period,
        period_words=" ".join(analyzer.terms(period.rest)),
        unknown=tuple(_unknown_names(text, analyzer, vocabulary, spelt)),
        subject=(),
        unseen=frozenset(t for t in terms if t not in vocabulary),
        counted=counted,
        asks=frozenset(kind for kind, pattern in ASKS.items() if pattern.search(text)),
        claimant=claimant,
        asks_speaker=bool(_SPEAKER.search(text)),
        role_of=_role_of(text),
        which=found.group(1).lower() if (found := _WHICH.search(text)) else None,
        statement_of=party.group(1) if (party := _STATEMENT_PARTY.search(text)) else None,
        long_form=_long_form(text, analyzer),
        vector=encoder.encode_query(text) if encoder is not None else None,
        rarity=_rarity(text, analyzer, spelt, _asked_for(text, counted)),
    )


def _unused_keywords(text: str, vocabulary: Collection[str]) -> frozenset[str]:
    """The keywords read as code only for standing next to an operator
    (index/analyzer.py `keywords_near_operators`) that no source writes as code: not searched.
    The "between" of "whats the diff between == and is" is English; as code no source writes,
    it weighed as much as a word no source uses (the most) and declined the question. As a
    word it is a stopword, as in the sources' prose. A keyword the asker writes as code
    ("ON CONFLICT DO UPDATE", "`is`") is searched whether or not the sources use it."""
    return frozenset(t for t in keywords_near_operators(text) if t not in vocabulary)


def _asker_names(
    text: str, terms: list[str], analyzer: Analyzer, vocabulary: Collection[str]
) -> frozenset[str]:
    """The terms of the names the asker's own code gives that no source uses
    (bot/core/placeholders.py), and of the code that holds them (`nums.sort`): not searched.
    `terms`: the analyzer's terms of `text`."""
    names = {
        name.casefold(): own
        for name in code_names(text)
        if (own := analyzer.terms(name)) and not any(t in vocabulary for t in own)
    }
    if not names:
        return frozenset()
    held = {
        term
        for term in terms
        if term.startswith(CODE_MARK)
        and term not in vocabulary
        and any(part in names for part in term[len(CODE_MARK) :].split("."))
    }
    return frozenset(held.union(*names.values()))


def _rarity(
    text: str, analyzer: Analyzer, spelt: dict[str, str | None], asked: str
) -> dict[str, float]:
    """Each term of `text` with the rarity of its rarest word; a typo corrected (`spelt`)
    takes the rarity of its correction where that stem is a word ("requets" is as common as
    "request"). The words of what is asked for (`asked`) count as rare whatever their use in
    English: "population" in "what is the population of …" is the question's point."""
    out: dict[str, float] = {}
    pinned = set(TOKEN.findall(asked.casefold()))
    for m in TOKEN.finditer(text):
        word = m.group(0)
        asked_for = word.casefold() in pinned
        for term in analyzer.terms(word):
            weight = 1.0 if asked_for else rarity(word)
            if corrected := spelt.get(term):
                term = corrected
                weight = weight if asked_for else min(weight, rarity(corrected))
            out[term] = max(out.get(term, 0.0), weight)
    return out


def _asked_for(text: str, counted: tuple[str, ...]) -> str:
    """The words naming what the question asks for: the things counted ("how many detainer
    requests") or the attribute asked ("what is the population of …"). Not the kind of thing
    in "what crimes …": the answer names one ("armed robbery"), seldom the kind."""
    if counted:
        return " ".join(counted)
    found = _ATTRIBUTE.search(text)
    return found.group(1) if found else ""


def _long_form(text: str, analyzer: Analyzer) -> re.Pattern[str] | None:
    """The long form of the acronym the question asks to have defined, if the sources spell
    it out: each word's stem followed by the rest of the word (a stem ending in "i" may end
    in "y" in the text: "safeti" is "Safety"), with the small words acronyms skip ("and",
    "of") allowed between."""
    thing = defined_thing(text).split()
    terms = analyzer.terms(thing[0]) if len(thing) == 1 else []
    stems = analyzer.acronyms.get(terms[0]) if len(terms) == 1 else None
    if not stems:
        return None
    between = r"(?:\s+(?:and|of|for|the|&))*\s+"
    words = [re.escape(s[:-1] if len(s) > 3 and s.endswith("i") else s) + r"\w*" for s in stems]
    return re.compile(r"\b" + between.join(words) + r"\b", re.I)


def _frame_removed(text: str, said: re.Match[str] | None) -> str:
    """The question without the words of its frame, which no answer repeats: "how long", and
    the "say" of "what did Cox say about …" (sources write "said", "wrote", "argued")."""
    if said:
        text = text[: said.start("verb")] + text[said.end("verb") :]
    return _QUESTION_FRAME.sub(" ", text)


def _role_of(text: str) -> str | None:
    """The person whose role the question asks about, if it asks that."""
    found = _ROLE_OF.search(text)
    if not found:
        return None
    return next(name for name in found.groups() if name)


def _claimant(text: str) -> str | None:
    """The party the question asks about ("according to ICE", "did Cox say"), if any."""
    for match in _CLAIMANT.finditer(text):
        party = next(g for g in match.groups() if g)
        if party.casefold() not in _NOT_A_CLAIMANT:
            return party
    return None


def _spelling(term: str, vocabulary: Collection[str]) -> str | None:
    """The one source term spelt almost like `term`, a term no source uses; None for a term
    too short to tell a typo from another word, or with no close match."""
    if len(term) < MIN_TYPO_STEM:
        return None
    matches = process.extract(
        term, vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO, limit=MAX_TYPO_MATCHES
    )
    # A letter dropped, doubled or swapped keeps the length within one, and a source's word
    # may extend the question's ("percent", "percentage"); a question's word that extends a
    # source's ("governor", "govern") is another word, not a typo of it.
    return next(
        (m[0] for m in matches if abs(len(m[0]) - len(term)) <= 1 or m[0].startswith(term)),
        None,
    )


def _spellings(terms: list[str], vocabulary: Collection[str]) -> dict[str, str | None]:
    """For each term no source uses, its `_spelling`: "detaner requets ignord" searches as
    "detain request ignor". A term with none stays as it is (and weighs as a word the sources
    never use)."""
    return {t: _spelling(t, vocabulary) for t in dict.fromkeys(terms) if t not in vocabulary}


def _shorthand(text: str, analyzer: Analyzer, vocabulary: Collection[str]) -> dict[str, str | None]:
    """For each word of `text` that is chat shorthand (index/shorthand: "ppl", "diff", "ur";
    not a single letter, which may be a name: "r" for R) and that no source uses, the one
    source term its expansion analyzes to: "whats the diff between == and is" searches
    "differ", which the FAQ writes, not "diff", which no source uses and which weighed the
    most. None for shorthand of a stopword ("ur", "bc"): a stopword, searched for nothing.
    Shorthand whose expansion is several words, or one the sources do not use, is left as
    typed."""
    found: dict[str, str | None] = {}
    for m in TOKEN.finditer(text):
        meaning = expansion(m.group(0)) if len(m.group(0)) > 1 else None  # "r" may be R
        if meaning is None:
            continue
        full = analyzer.terms(meaning)
        if not full or (len(full) == 1 and full[0] in vocabulary):
            meant = full[0] if full else None
            found.update({t: meant for t in analyzer.terms(m.group(0)) if t not in vocabulary})
    return found


def _unknown_names(
    text: str, analyzer: Analyzer, vocabulary: Collection[str], spelt: dict[str, str | None]
) -> list[str]:
    """Capitalised words after the first (names, places) that no source uses, nor a word
    spelt almost like it ("Sheeshanks" for "Sheepshanks" is a typo, not another name).
    `spelt` holds the spellings already looked up for the question's terms."""
    unknown = []
    for name in dict.fromkeys(_NAME_WORD.findall(text)):
        stems = analyzer.terms(name)
        if not stems or any(s in vocabulary for s in stems):
            continue
        if not any(
            (spelt[s] if s in spelt else _spelling(s, vocabulary)) is not None for s in stems
        ):
            unknown.append(name)
    return unknown
