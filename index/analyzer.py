"""Text → index terms: normalised (NFKC, format characters dropped), lowercase, English
stopwords, Snowball stemming, and acronym aliases.

The analyzer is versioned by a fingerprint of everything that changes its output, so a saved
index made with another analyzer is rebuilt rather than silently mismatched.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# NLTK's English stopword list (BSD-licensed, the common choice for BM25 baselines), with its
# contractions ("don't", "you're"), which the tokenizer keeps whole; the same contractions as
# chat types them, without the apostrophe ("dont", "whats"); and words as empty in questions
# as in answers: "also", "many", "much", "someone"...
_CONTRACTIONS = """aren't couldn't didn't doesn't hadn't hasn't haven't isn't mightn't mustn't
    needn't shan't shouldn't wasn't weren't won't wouldn't don't can't it's she's he's
    should've that'll you'd you'll you're you've he'd he'll i'd i'll i'm i've it'd it'll she'd
    she'll they'd they'll they're they've we'd we'll we're we've""".split()
# Typed without its apostrophe, a contraction that spells another word stays a word.
_WORDS_TOO = frozenset("well shell hell id its were ill shed wed hed".split())
STOPWORDS = frozenset(
    [
        *_CONTRACTIONS,
        *(c.replace("'", "") for c in _CONTRACTIONS if c.replace("'", "") not in _WORDS_TOO),
        *"whats hows wheres whos thats theres heres".split(),
    ]
) | frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now d ll m o re ve y also many much someone somebody something anyone
    anybody anything everyone everything""".split()
)
TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
# TOKEN on ASCII text, where `[^\W_]` is exactly [A-Za-z0-9] and "’" cannot occur: a positive
# class lets the regex engine skip to candidates, a third faster over real sentences.
_ASCII_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)?")
# "Immigration and Customs Enforcement (ICE)": capitalised words, then their initials in brackets.
_ACRONYM = re.compile(r"((?:[A-Z][\w-]*\s+(?:(?:and|of|for|the|&)\s+)*){2,8})\(([A-Z]{2,8})\)")
_BRACKETED = re.compile(r"\([A-Z]{2,8}\)")  # where an _ACRONYM match can end
ANALYZER_NAME = "snowball-english+nltk-stopwords+acronyms"
# Unicode's format characters (category Cf: soft hyphen, zero-width space and joiners, BOM,
# bidi marks...), written out because finding them costs 40 ms per process; a test checks the
# list against the running Python's Unicode database.
FORMAT_CHARACTERS = re.compile(
    "["
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
    "]"
)
# What the fingerprint runs through the whole analysis: soft hyphen, zero-width space,
# fullwidth letters, a ligature, a possessive, stopwords and words the stemmer folds, and code.
_PROBE = (
    "De\u00adtainer con\u200btainers ＩＣＥ ﬁled Boston’s generously the immigration requests"
    " a == b and `is` IS NULL __name__ *args str.join my_var the with statement"
    " **Bold words:** https://example.org/x [a link](../page#part)"
)

# Code in text, searchable as itself: an operator (`==`), a starred (`*args`), dunder
# (`__name__`), snake_case (`read_uncommitted`) or dotted (`str.join`) name, and a keyword
# that analysis would drop as a stopword when it is used as code: written as code (`is`, in
# backticks), in capitals inside mixed-case text (SQL's `IS NULL`), named as an operator,
# keyword, statement or clause ("the with statement"), or next to an operator ("== and is").
# Each becomes a term of its own, marked by CODE_MARK so no word's stem can collide with it.
CODE_MARK = "`"
CODE_KEYWORDS = frozenset(
    """and as between by do for from if in into is not on or then when where while with all
    any""".split()
)
_CODE_NOUNS = frozenset(
    "operator operators keyword keywords statement statements clause clauses".split()
)
_CODE_TOKEN = re.compile(
    r"(?P<starred>(?<![\w*])\*{1,2}[A-Za-z_]\w*+(?!\*))"  # not *emphasis* nor **bold**
    r"|(?P<op>==|!=|<=|>=|:=|->|\+=|-=|\*=|/=|\|\|)"
    r"|(?P<name>(?<!\w)[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)"  # a whole word: not the "IS" of "ıIS"
    r"|(?P<tick>`+)"
)
# Text that may hold code: one C-speed search spares the tokenizer most prose sentences.
_MAY_HOLD_CODE = re.compile(
    r"[`_=*<>|]|\.[A-Za-z_]|[-:+/]=|->|\b(?:"
    + "|".join(sorted(k.upper() for k in CODE_KEYWORDS))
    + r")\b|\b(?:"
    + "|".join(sorted(_CODE_NOUNS))
    + r")\b"
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def normalize(text: str) -> str:
    """`text` as analysis sees it: format characters dropped (so "de\u00adtainer" is one word),
    then NFKC (so fullwidth "ＩＣＥ" is "ICE" and "ﬁ" is "fi"). Only terms come from it: every
    offset still points into the original text. Questions are cleaned with it too."""
    if text.isascii():
        return text
    if FORMAT_CHARACTERS.search(text):
        text = FORMAT_CHARACTERS.sub("", text)
    # The quick check is five times cheaper than normalising text that is already NFKC.
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _fold(token: str) -> str:
    """A token lowercased, its possessive folded ("Boston’s" → "boston")."""
    word = token.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def words(text: str) -> list[str]:
    """Lowercased word tokens of the normalised text, possessives folded ("Boston’s" →
    "boston")."""
    return [_fold(token) for token in TOKEN.findall(normalize(text))]


# Where a link points, not what it says: a URL ("https://github.com/numpy/numpy/issues"), a
# Markdown link's target, a path or an anchor ("](../setup#docker)", not the call of
# "handlers[0](arg)"), or a reStructuredText one ("<https://…>`_").
LINK_TARGET = re.compile(
    r"\]\((?=[^()\s]*[/#.:])[^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)"
    r"|<[^<>\s]+>`_"
    r"|\b(?:https?|ftp)://[^\s<>\"'`()\[\]]+"
    r"|\bwww\.[^\s<>\"'`()\[\]]+"
    # An HTML tag with attributes, as Markdown allows inline (`<a href="…" target="_blank">`,
    # `<p align="center">`): its attributes are markup, and so is a closing tag. A bare
    # `<br>` or `<details>` stays, and so does a repr with no `=` in it (`<function f …>`).
    r"|<[A-Za-z][\w-]*\s[^<>]*=[^<>]*>|</[A-Za-z][\w-]*\s*>"
)
_MAY_LINK = re.compile(r"://|\]\(|>`_|\bwww\.|<[A-Za-z][\w-]*\s|</")


def _unlinked(text: str) -> str:
    """`text` without its links' targets and its HTML tags' attributes: a link list's URLs
    repeat a project's name a dozen times ("github.com/numpy/numpy/…") and said nothing a
    reader reads, nor does `target="_blank"`."""
    return LINK_TARGET.sub(" ", text) if _MAY_LINK.search(text) else text


def tokens(text: str) -> list[str]:
    """The raw tokens of the normalised text, as `Analyzer.terms` reads them: its words, then
    its code tokens (`code_tokens`); a link's target is not read (`LINK_TARGET`)."""
    text = _unlinked(normalize(text))
    found = (_ASCII_TOKEN if text.isascii() else TOKEN).findall(text)
    if _MAY_HOLD_CODE.search(text):
        found.extend(code_tokens(text))
    return found


def token_lists(texts: list[str]) -> list[list[str]]:
    """`tokens` of each text. ASCII texts (nearly all sentences) need no normalising: their
    regex runs in one `map`, without a Python call per text; the others are redone, and so
    are the few that may hold code."""
    lists = list(map(_ASCII_TOKEN.findall, texts))
    redo = map(operator.not_, map(str.isascii, texts))
    code = map(bool, map(_MAY_HOLD_CODE.search, texts))
    links = map(bool, map(_MAY_LINK.search, texts))
    redo = map(operator.or_, redo, links)
    for i in itertools.compress(range(len(texts)), map(operator.or_, redo, code)):
        lists[i] = tokens(texts[i])
    return lists


def _used_as_code(found: list[tuple[str, str, bool]], i: int, ticked: bool, shouting: bool) -> str:
    """Why the keyword `found[i]` is code ("" when it is not): written as code, in capitals in
    mixed-case text or named as an operator or statement ("written"), else for standing next
    to an operator ("near an operator")."""
    token = found[i][1]
    if (
        ticked
        or (token.isupper() and len(token) >= 2 and not shouting)
        or (i + 1 < len(found) and found[i + 1][1].lower() in _CODE_NOUNS)
    ):
        return "written"
    if any(kind == "op" for kind, _, _ in found[max(0, i - 2) : i + 3]):
        return "near an operator"
    return ""


def _code_tokens(text: str) -> list[tuple[str, str]]:
    """The code in `text`, each as CODE_MARK and its lowercased text, with why a keyword is
    code (`_used_as_code`; "" for any other code token)."""
    found: list[tuple[str, str, bool]] = []  # (kind, token, inside backticks)
    ticks = ""
    for m in _CODE_TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind == "tick":
            ticks = "" if ticks == m.group() else (ticks or m.group())
            continue
        if kind == "starred" and _emphasis(m.group(), text, m.end()):
            continue
        found.append((kind, m.group(), bool(ticks)))
    shouting = text.isupper()
    out: list[tuple[str, str]] = []
    for i, (kind, token, ticked) in enumerate(found):
        if kind in ("op", "starred"):
            out.append((CODE_MARK + token, ""))
        elif "." in token:
            if all(len(part) >= 2 for part in token.split(".")):
                out.append((CODE_MARK + token.lower(), ""))
        elif "_" in token.strip("_") or token.startswith("__"):
            out.append((CODE_MARK + token.lower(), ""))
        elif token.lower() in CODE_KEYWORDS and (why := _used_as_code(found, i, ticked, shouting)):
            out.append((CODE_MARK + token.lower(), "" if why == "written" else why))
    return out


def _emphasis(starred: str, text: str, end: int) -> bool:
    """Whether `starred` ("**Bug", "*really") opens emphasis that closes later in `text`
    ("**Bug reports:**"), not a starred name (`*args`, `**kwargs`): the same run of stars
    after a character that is neither space nor star."""
    stars = starred[: len(starred) - len(starred.lstrip("*"))]
    return re.search(rf"[^\s*]{re.escape(stars)}(?![\w*])", text[end:]) is not None


def code_tokens(text: str) -> list[str]:
    """The code in `text` (see `CODE_MARK`), each as CODE_MARK and its lowercased text."""
    return [token for token, _ in _code_tokens(text)]


def keywords_near_operators(text: str) -> set[str]:
    """The code terms of `text` that are keywords read as code only for standing next to an
    operator: the "and" and "is" of "== and is", and the "between" of "the diff between ==
    and is", which is English."""
    text = normalize(text)
    if not _MAY_HOLD_CODE.search(text):  # as `tokens`: no operator, so no keyword beside one
        return set()
    return {token for token, why in _code_tokens(text) if why}


def stem(tokens: Iterable[str]) -> list[str]:
    return _stemmer().stemWords([t for t in tokens if t not in STOPWORDS])


# Distinct tokens remembered by `_TokenTerms`: a corpus of 1M passages has a few hundred
# thousand; past this many (a long-running bot seeing endless new words) it starts afresh.
TOKEN_MEMO_LIMIT = 1_000_000


class _TokenTerms(dict[str, str | None]):
    """Raw token → its index term, or None for a stopword: `stem(words(token))` worked out
    once per distinct token. Text repeats a few thousand tokens endlessly, and folding,
    stopword lookup and stemming them one by one in Python was most of the analysis time."""

    def __missing__(self, token: str) -> str | None:
        if len(self) >= TOKEN_MEMO_LIMIT:
            self.clear()
        if token.startswith(CODE_MARK):  # code is searched as written, never stemmed
            self[token] = token
            return token
        word = _fold(token)
        term = None if word in STOPWORDS else _stemmer().stemWord(word)
        self[token] = term
        return term


_token_terms = _TokenTerms()


def token_term(token: str) -> str | None:
    """A raw token's index term, None for a stopword (memoized)."""
    return _token_terms[token]


@dataclass(frozen=True)
class AcronymCandidates:
    """What one text contributes to acronym mining, so that texts can be mined one at a time
    (in worker processes too) and merged in order by `AcronymMiner`."""

    spelled: list[tuple[str, tuple[str, ...]]]  # (acronym, long form's stems), in text order
    caps: frozenset[str]  # all-capital words: initialisms the text uses
    runs: list[tuple[str, ...]]  # capitalised runs, their words, distinct, in text order


def acronym_candidates(text: str) -> AcronymCandidates:
    """The bracketed acronyms `text` spells out, its capitals and its capitalised runs."""
    spelled = []
    for match in acronym_matches(text):
        long_form, acronym = match.group(1).split(), match.group(2)
        initials = "".join(w[0] for w in long_form if w[0].isupper())
        # Keep only the trailing words whose initials spell the acronym.
        if initials.endswith(acronym):
            stems = tuple(stem(words(" ".join(_tail(long_form, acronym)))))
            if stems:
                spelled.append((acronym.lower(), stems))
    runs = dict.fromkeys(tuple(run.split()) for run in _CAPITALISED_RUN.findall(text))
    return AcronymCandidates(spelled, frozenset(_CAPS.findall(text)), list(runs))


class AcronymMiner:
    """Acronyms of texts added one at a time, as `mine_acronyms` and `mine_initialisms` find
    them over all of them: an initialism needs every text's capitals before any run is
    matched, so runs are kept (each distinct run once: a repeated run finds nothing new)."""

    def __init__(self) -> None:
        self._spelled: dict[str, tuple[str, ...]] = {}
        self._caps: set[str] = set()
        self._runs: dict[tuple[str, ...], None] = {}

    def add(self, candidates: AcronymCandidates) -> None:
        for acronym, stems in candidates.spelled:
            self._spelled.setdefault(acronym, stems)
        self._caps |= candidates.caps
        self._runs.update(dict.fromkeys(candidates.runs))

    def spelled_out(self) -> dict[str, tuple[str, ...]]:
        """Acronym → stems of its long form, for pairs the texts spell out once."""
        return dict(self._spelled)

    def initialisms(self) -> dict[str, tuple[str, ...]]:
        """Acronyms never spelled out in brackets ("BPD") matched to a capitalised run
        elsewhere ("Boston Police Department") whose initials spell them."""
        found: dict[str, tuple[str, ...]] = {}
        for run in self._runs:
            for i in range(len(run) - 1):
                for j in range(i + 2, len(run) + 1):
                    initials = "".join(w[0] for w in run[i:j])
                    if initials in self._caps and initials.lower() not in found:
                        stems = tuple(stem(words(" ".join(run[i:j]))))
                        if len(stems) >= 2:
                            found[initials.lower()] = stems
        return found

    def acronyms(self) -> dict[str, tuple[str, ...]]:
        """Both kinds; a spelled-out long form wins over a run's."""
        return {**self.initialisms(), **self.spelled_out()}


def _miner(texts: Iterable[str]) -> AcronymMiner:
    miner = AcronymMiner()
    for text in texts:
        miner.add(acronym_candidates(text))
    return miner


def mine_acronyms(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Acronym → stems of its long form, for pairs the sources spell out once."""
    return _miner(texts).spelled_out()


def acronym_matches(text: str) -> Iterator[re.Match[str]]:
    """`_ACRONYM.finditer(text)`, found from the brackets. Tried at every capital letter of a
    text, _ACRONYM took seconds per 100k passages; but no part of a match before its bracket
    can hold "(", so a match lies between the previous "(" and its bracket, and a search
    there finds it."""
    cursor = 0
    for bracket in _BRACKETED.finditer(text):
        if bracket.start() < cursor:
            continue
        start = max(cursor, text.rfind("(", cursor, bracket.start()) + 1)
        match = _ACRONYM.search(text, start, bracket.end())
        if match:
            yield match
            cursor = match.end()


# `\b[A-Z]{3,6}\b` and `\b[A-Z][a-z][\w-]*(...)`, their first letter moved before the word
# boundary (checked behind it) so that the regex engine skips to capitals: 3.5× faster.
_CAPS = re.compile(r"[A-Z](?<=\b[A-Z])[A-Z]{2,5}\b")
_CAPITALISED_RUN = re.compile(r"[A-Z](?<=\b[A-Z])[a-z][\w-]*(?:\s+[A-Z][a-z][\w-]*){1,5}")


def mine_initialisms(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Acronyms never spelled out in brackets ("BPD") matched to a capitalised run elsewhere
    ("Boston Police Department") whose initials spell them."""
    return _miner(texts).initialisms()


def _tail(long_form: list[str], acronym: str) -> list[str]:
    count = 0
    for i in range(len(long_form) - 1, -1, -1):
        if long_form[i][0].isupper():
            count += 1
        if count == len(acronym):
            return long_form[i:]
    return long_form


def analyzer_version() -> str:
    """Changes whenever the code would turn the same text into different terms."""
    h = hashlib.sha256(ANALYZER_NAME.encode())
    h.update(" ".join(sorted(STOPWORDS)).encode())
    h.update(TOKEN.pattern.encode())
    h.update(LINK_TARGET.pattern.encode())
    h.update(unicodedata.unidata_version.encode())
    h.update(" ".join(stem(words(_PROBE))).encode())
    h.update(" ".join(tokens(_PROBE)).encode())  # its code tokens and links too
    return f"{ANALYZER_NAME}:{h.hexdigest()[:16]}"


class Analyzer:
    """Turns text into index terms, knowing the acronyms the sources use."""

    def __init__(self, acronyms: dict[str, tuple[str, ...]] | None = None) -> None:
        self.acronyms = dict(sorted((acronyms or {}).items()))
        # Long forms by their first stem: a text is scanned once, whatever the acronym count.
        self._long_forms: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for acronym, long_stems in self.acronyms.items():
            self._long_forms.setdefault(long_stems[0], []).append((acronym, long_stems))
        # The first stems of the long forms: terms without any of them yield no acronym.
        self.long_form_starts = frozenset(self._long_forms)

    @classmethod
    def mined(cls, texts: Iterable[str]) -> Analyzer:
        """An analyzer that knows the acronyms `texts` spell out (the sources')."""
        return cls(_miner(texts).acronyms())

    def terms(self, text: str) -> list[str]:
        """Index terms; a spelled-out long form also yields its acronym, so that "ICE" and
        "Immigration and Customs Enforcement" meet on one term without counting twice."""
        terms = [t for t in map(_token_terms.__getitem__, tokens(text)) if t is not None]
        terms.extend(self.acronym_terms(terms))
        return terms

    def acronym_terms(self, terms: list[str]) -> list[str]:
        """What a text whose other terms are `terms` adds: the acronym of each long form
        spelled out in them, once per spelling, sorted."""
        # Most texts hold no long form's first stem: one C-speed check instead of a loop.
        if not self._long_forms or self._long_forms.keys().isdisjoint(terms):
            return []
        found: Counter[str] = Counter()
        for i, term in enumerate(terms):
            for acronym, run in self._long_forms.get(term, ()):
                if tuple(terms[i : i + len(run)]) == run:
                    found[acronym] += 1
        return [acronym for acronym in sorted(found) for _ in range(found[acronym])]
