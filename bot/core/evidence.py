"""Evidence for one question: the passages retrieved for it and every quotable window in them,
each described by the features that rank it (lexical, and semantic when vectors are loaded).

A window is one to `max_window` consecutive sentences of one passage. Retrieval brings BM25's
best passages and, in semantic mode, the passages of the sentences nearest the question's
vector (a paraphrase may share no word with its answer). Ranking is a weighted sum of the
features (`RankWeights`); the weights of each mode and where they come from are documented on
`LEXICAL_WEIGHTS` and `SEMANTIC_WEIGHTS`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from bot.core.counts import count_problem
from bot.core.expect import Expect, carries
from bot.core.question import ParsedQuestion
from bot.models import table_label, table_values
from index.models import Passage, Sentence
from index.passage_search import PassageSearch


class RankWeights(BaseModel):
    """How much each feature of a window counts towards its rank."""

    passage: float
    """BM25 of the window's passage, relative to the best retrieved passage."""
    sentence: float
    """BM25 of the window against the question (lengths against the average sentence),
    relative to the best window."""
    kind: float
    """1 when a sentence of the window carries the kind of answer asked for (a number for
    "how many"). Judged per sentence, once, not per window: a window holds a few of the same
    sentences."""
    coverage: float = 0.0
    """Share of the question's IDF mass found in the window itself."""
    cosine: float = 0.0
    """Mean cosine of the question and the window's sentences (not the cosine of their mean
    vector, which two unlike sentences inflate: the mean of two unit vectors is shorter)."""
    best_sentence: float = 0.0
    """Cosine of the question and the window's closest sentence."""
    passage_cosine: float = 0.0
    """Cosine of the question and the window's whole passage."""
    two: float = 0.0
    three: float = 0.0
    """Windows of two and of three sentences (one is the base)."""
    heading: float = 0.0
    """Share of the question's IDF mass in the heading of the window's section."""
    lead: float = 0.0
    """1 when the window opens its passage (after an FAQ question): where a section says
    what it is about."""


# Fitted by `benchmarks/calibrate.py --mode lexical` on the even halves of XQuAD, the on-topic
# questions and each collection's set (tests/eval/), each group weighing the same: a softmax
# over each question's windows, the windows holding a gold answer from the file the question
# names being right. A section's heading counts about as much as the passage's own score.
# Longer windows gain (quotes run longer, within max_quote_chars): fitted without the window's
# length, the right first quote dropped on two collections of four.
LEXICAL_WEIGHTS = RankWeights(
    passage=4.98,
    sentence=2.509,
    kind=1.255,
    coverage=2.676,
    two=0.193,
    three=1.237,
    heading=4.617,
    lead=0.063,
)
# Fitted by `benchmarks/calibrate.py --mode semantic --without heading` on the same even
# halves. With the heading as a feature the seed articles' held-out share fell by two
# questions (their one heading per article is the article's title, no evidence of a passage).
SEMANTIC_WEIGHTS = RankWeights(
    passage=5.841,
    sentence=1.045,
    kind=1.263,
    coverage=1.706,
    cosine=1.359,
    best_sentence=3.769,
    passage_cosine=1.713,
    two=0.5,
    three=1.303,
    lead=0.101,
)


SUBJECT_WEIGHT = 0.25
"""What a term naming the document's subject weighs in the share a window must hold, against
its full weight: a window from pytest's README holds "pytest" whether or not it answers, so
at full weight "how do i report a bug in pytest" was answered with its install line. Of 0,
0.25, 0.5 and 1, 0.25 scores best on the even halves in both modes (`calibrate.py
--threshold-only`, each mode's threshold kept)."""


@dataclass
class Candidate:
    """A quotable window of one to `max_window` consecutive sentences of one passage."""

    pid: int
    passage: Passage
    first: int
    count: int
    tf: dict[int, int]
    """How often each of the question's terms (by term id) occurs in the window."""
    length: int
    """The window's number of index terms."""
    body: str
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0

    @property
    def sentences(self) -> list[Sentence]:
        return self.passage.sentences[self.first : self.first + self.count]

    @property
    def key(self) -> tuple[str, int]:
        """Identifies the passage, whichever object stands for it."""
        return (self.passage.source, self.passage.start)

    @property
    def start(self) -> int:
        return self.passage.sentences[self.first].start

    @property
    def end(self) -> int:
        return self.passage.sentences[self.first + self.count - 1].end

    @property
    def prose(self) -> str:
        """The window's text without its code: a literal in an example (`x = 21`) counts
        nothing, dates nothing and costs nothing, so it answers no "how many"."""
        start = self.start
        return "\n".join(
            self.body[s.start - start : s.end - start] for s in self.sentences if s.kind != "code"
        )


@dataclass(frozen=True)
class Retrieved:
    """A passage brought by retrieval: its id, the passage, and its BM25 score."""

    pid: int
    passage: Passage
    score: float
    lexical: bool
    """Brought by BM25 (else only by the nearest sentences)."""


@dataclass
class Evidence:
    """What retrieval and ranking found for one question: best window first."""

    question: ParsedQuestion
    retrieved: list[Retrieved]
    candidates: list[Candidate]
    lexical_hits: int
    semantic: bool
    """Ranked with sentence vectors (else on words alone)."""
    nearest_cosine: float = 0.0
    """Cosine of the question and the nearest sentence of all (semantic mode)."""
    weights: dict[str, float] = field(default_factory=dict)
    """What each search term weighs in the share of the question a window or passage holds
    (`EvidenceFinder.share_weights`), worked out once for the question."""

    @property
    def best(self) -> Candidate:
        return self.candidates[0]


class EvidenceFinder:
    """Retrieves passages for a parsed question and ranks their windows."""

    def __init__(
        self,
        retriever: PassageSearch,
        passages: int,
        nearest: int,
        max_window: int,
        max_quote_chars: int,
        sentence_k1: float,
        sentence_b: float,
        weights: RankWeights,
    ) -> None:
        self.retriever = retriever
        self.passages = passages
        self.nearest = nearest
        self.max_window = max_window
        self.max_quote_chars = max_quote_chars
        self.k1, self.b = sentence_k1, sentence_b
        self.weights = weights
        self._unseen_idf = 2 * math.log(max(retriever.passage_count(), 1) + 1)

    @property
    def semantic(self) -> bool:
        return self.retriever.semantic

    def find(self, question: ParsedQuestion, also: Sequence[int] = ()) -> Evidence:
        """The passages for `question` and their windows, ranked best first. Passages `also`
        join whatever retrieval brings (the opening of the document a "what is X" names)."""
        r = self.retriever
        terms = list(question.terms)
        hits = r.search(terms, self.passages) if terms else []
        retrieved = [Retrieved(h.passage, r.passage(h.passage), h.score, True) for h in hits]
        nearest_cosine = 0.0
        cosines: np.ndarray | None = None
        extra = list(also)
        if self.semantic and question.vector is not None:
            cosines = r.cosines(question.vector)
            nearest = _top(cosines, self.nearest)
            nearest_cosine = float(cosines[nearest[0]]) if len(nearest) else 0.0
            extra += r.passage_of(nearest).tolist()
        seen = {x.pid for x in retrieved}
        extra = [int(p) for p in dict.fromkeys(extra) if p not in seen]
        if extra:
            scores = r.bm25(terms) if terms else np.zeros(r.passage_count())
            retrieved += [Retrieved(p, r.passage(p), float(scores[p]), False) for p in extra]
        weights = self.share_weights(question)
        candidates = self._rank(question, retrieved, cosines, weights)
        return Evidence(
            question,
            retrieved,
            candidates,
            len(hits),
            cosines is not None,
            nearest_cosine,
            weights,
        )

    # --- windows -----------------------------------------------------------------------------

    def _windows(
        self, pid: int, passage: Passage, asked: dict[int, str], question: ParsedQuestion
    ) -> list[Candidate]:
        """Single sentences, and runs of up to `max_window` that stay under `max_quote_chars`,
        hold no table row after the first sentence, never run into a run-in label ("(24) My
        WHERE clause … does not work.", the next FAQ entry's title) nor hold one alone, and
        never step over chrome. No window holds a question line: a question is never an
        answer. An FAQ answer also carries its question's words, since it answers exactly
        that question: the question line before it, or the question that titles its section
        (reStructuredText's and Markdown's FAQs). A code block that repeats what the asker
        pasted (`_echoed`) is read as such a question line. A table row is a window only when the
        question asks for its label's attribute (shares a term with the label): "| Authority
        for Non-Compliance | Boston Trust Act |" does not say what the act is.

        `asked` maps the question's term ids to its terms; each sentence's terms come from the
        index (`PassageSearch.terms_of_sentence`), never from analysing its text again."""
        r = self.retriever
        sentences = passage.sentences
        # The passage's sentences decoded in one slice of the source (index/source_text.py
        # decodes each slice it is asked for); every window is a slice of that.
        at = sentences[0].start
        text = r.text(passage.source)[at : sentences[-1].end]
        first_id = r.sentence_ids(pid).start
        single: list[dict[int, int]] = []
        lengths: list[int] = []
        kinds = [s.kind for s in sentences]
        bodies = [text[s.start - at : s.end - at] for s in sentences]
        for i in range(len(sentences)):
            row = r.terms_of_sentence(first_id + i)
            single.append({t: row[t] for t in asked if t in row})
            # Its number of terms, from the row itself: summing every sentence's counts when
            # loading took 0.2 s of each start-up, for the few dozen a question reads.
            lengths.append(sum(row.values()))
            if kinds[i] == "code" and _echoed(single[i], row, bodies[i], question.text):
                kinds[i] = "question"
        for i in range(1, len(sentences)):
            if kinds[i - 1] == "question" and kinds[i] != "question":
                single[i] = _added(single[i], single[i - 1])
                lengths[i] += lengths[i - 1]
        if self._opens_answer(pid, passage):
            row = r.heading_terms_of(pid)
            single[0] = _added(single[0], {t: row[t] for t in asked if t in row})
            lengths[0] += sum(row.values())
        words = set(asked.values())
        unasked = [
            s.kind == "table" and not words & set(r.analyzer.terms(table_label(body)))
            for s, body in zip(sentences, bodies, strict=True)
        ]
        # A row carries the kind of answer asked for in its value cells, not in its label:
        # "| Number of Requests Ignored (2025) | 57 … |" names no one who confirmed it.
        wanted = [
            self._carries(question, table_values(body) if s.kind == "table" else body)
            for s, body in zip(sentences, bodies, strict=True)
        ]
        out = []
        for first in range(len(sentences)):
            if _introduced(kinds, first):
                continue  # code goes with the sentence that introduces it
            tf: dict[int, int] = {}
            length = 0
            kind = False
            for count in range(1, self.max_window + 1):
                last = first + count - 1
                if last >= len(sentences) or kinds[last] == "question" or unasked[last]:
                    break
                start, end = sentences[first].start, sentences[last].end
                if count > 1 and (
                    (end - start > self.max_quote_chars and kinds[last] != "code")
                    or kinds[last] == "table"
                    or (kinds[last] == "label" and kinds[last - 1] != "label")
                    or self.crosses_chrome(passage.source, start, end)
                ):
                    break
                tf = _added(tf, single[last])
                length += lengths[last]
                kind = kind or wanted[last]
                if _introduced(kinds, last + 1):
                    continue  # a window never stops short of the code it introduces
                if kinds[last] == "label":
                    continue  # a label titles what follows it, and says nothing alone
                body = text[start - at : end - at]
                window = Candidate(pid, passage, first, count, tf, length, body)
                window.features["kind"] = float(kind)
                out.append(window)
        return out

    def _opens_answer(self, pid: int, passage: Passage) -> bool:
        """Whether passage `pid` opens a section titled by a question ("Is there an equivalent
        of C's "?:" ternary operator?"): its first sentence answers that question."""
        heading = passage.heading
        if not heading or not heading.rstrip().endswith("?"):
            return False
        r = self.retriever
        if pid == 0 or r.source_of(pid - 1) != passage.source:
            return True
        return r.passage(pid - 1).heading != heading

    def crosses_chrome(self, source: str, start: int, end: int) -> bool:
        chrome = self.retriever.documents[source].chrome
        return any(start < c.end and c.start < end for c in chrome)

    # --- features and ranking -----------------------------------------------------------------

    def _rank(
        self,
        question: ParsedQuestion,
        retrieved: list[Retrieved],
        cosines: np.ndarray | None,
        shares: dict[str, float],
    ) -> list[Candidate]:
        """Every window of the retrieved passages, scored; best first, ties by retrieval order.
        `shares`: the question's `share_weights`."""
        top = max((x.score for x in retrieved), default=0.0) or 1.0
        ids = {t: self.retriever.term_id(t) for t in question.terms}
        asked = {tid: t for t, tid in ids.items() if tid is not None}
        weights = {tid: self.weight(term) for tid, term in asked.items()}
        total = sum(self.weight(t) for t in set(question.terms)) or 1.0
        candidates: list[Candidate] = []
        for x in retrieved:
            heading = self._heading_share(x.pid, weights) / total
            for c in self._windows(x.pid, x.passage, asked, question):
                c.features["passage"] = x.score / top
                c.features["heading"] = heading
                c.features["lead"] = float(
                    all(s.kind == "question" for s in x.passage.sentences[: c.first])
                )
                candidates.append(c)
        self._lexical_features(candidates, weights, total)
        self._share_features(candidates, asked, shares)
        if cosines is not None:
            self._semantic_features(cosines, candidates)
        w = self.weights.model_dump()
        for c in candidates:
            f = c.features
            f["two"], f["three"] = float(c.count == 2), float(c.count == 3)
            c.score = sum([w[name] * value for name, value in f.items() if name in w])
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _heading_share(self, pid: int, weights: dict[int, float]) -> float:
        """The IDF mass of the question's terms that passage `pid`'s section heading holds:
        documentation names its sections for what they answer."""
        row = self.retriever.heading_terms_of(pid)
        return sum(w for tid, w in weights.items() if tid in row)

    def _carries(self, question: ParsedQuestion, body: str) -> bool:
        """Whether a sentence holds the kind of answer asked for; an acronym's long form
        says what the acronym is. For "how many X", a count that may count X: not "2048
        characters" for "how many embeds" (the test the policy declines on)."""
        kind = question.kind
        if kind is Expect.ANY:
            return False
        if question.long_form and question.long_form.search(body):
            return True
        if kind is Expect.NUMBER and question.counted:
            return count_problem(question.counted, body, question.text) is None
        return carries(kind, body, question.text)

    def _lexical_features(
        self, candidates: list[Candidate], weights: dict[int, float], total: float
    ) -> None:
        """Each window's BM25 against the question, relative to the best window, and the share
        of the question's IDF mass the window holds. `weights`: the IDF of each question term
        the sources use, by term id; `total`: the IDF mass of all the question's terms."""
        singles = [c.length for c in candidates if c.count == 1]
        avg = max(sum(singles) / max(len(singles), 1), 1.0)
        k1, b = self.k1, self.b
        raw = []
        for c in candidates:
            s = held = 0.0
            norm = k1 * (1 - b + b * c.length / avg)
            for tid, tf in c.tf.items():
                weight = weights[tid]
                held += weight
                s += weight * tf * (k1 + 1) / (tf + norm)
            raw.append(s)
            c.features["coverage"] = held / total
        best = max(raw, default=0.0) or 1.0
        for c, s in zip(candidates, raw, strict=True):
            c.features["sentence"] = s / best

    def share_weights(self, question: ParsedQuestion) -> dict[str, float]:
        """What each search term weighs when judging whether a window or passage answers: its
        IDF (unseen words most) times its rarity in general English, so "actually" or "gonna"
        left unanswered costs less than the word that names the topic; a name no source uses
        weighs fully. For "what did DPW say …" the party is left out: attribution, not the
        passage's words, says who speaks (policy.statements_of). A document's subject
        ("pytest", policy.about_subject) weighs `SUBJECT_WEIGHT` of that, since the answer's
        document gives it, unless the question asks nothing else ("what is pytest")."""
        analyzer = self.retriever.analyzer
        party = set(analyzer.terms(question.statement_of)) if question.statement_of else set()
        subject = set(question.subject)
        if set(question.terms) <= party | subject:
            subject = set()
        named = {t for name in question.unknown for t in analyzer.terms(name)}
        return {
            term: self.weight(term)
            * (1.0 if term in named else question.rarity.get(term, 1.0))
            * (SUBJECT_WEIGHT if term in subject else 1.0)
            for term in dict.fromkeys(question.terms)
            if term not in party
        }

    @staticmethod
    def _share_features(
        candidates: list[Candidate], asked: dict[int, str], weights: dict[str, float]
    ) -> None:
        """What the answer-or-decline score reads of a window (policy.Answerability): the
        share of the question's weight (`weights`, its `share_weights`) it holds, of the
        weight of the words the sources use, and the share no source uses. `asked` maps term
        ids to terms."""
        by_id = {tid: weights[term] for tid, term in asked.items() if term in weights}
        total = sum(weights.values()) or 1.0
        known = sum(by_id.values())
        unseen = 1.0 - known / total
        for c in candidates:
            held = sum(by_id[tid] for tid in c.tf if tid in by_id)
            c.features["share"] = held / total
            c.features["known_share"] = held / (known or 1.0)
            c.features["unseen_share"] = unseen

    def _semantic_features(self, cosines: np.ndarray, candidates: list[Candidate]) -> None:
        """Cosines of the question with each window, its closest sentence and its passage.
        An FAQ answer is as close as the closer of itself and its question.

        A window has one to three sentences: their mean and largest are taken over Python
        floats, which is several times quicker than a NumPy call per window (about 75 windows
        a question over XQuAD, 2 ms of each ask when it was NumPy)."""
        r = self.retriever
        by_passage: dict[int, tuple[list[float], float]] = {}
        for c in candidates:
            if c.pid not in by_passage:
                ids = r.sentence_ids(c.pid)
                start, stop = ids.start, ids.stop
                raw = cosines[start:stop].astype(np.float64)
                passage_cosine = _cosine_of_mean(r.sentence_vectors(np.arange(start, stop)), raw)
                values = raw.tolist()
                answered = list(values)
                for i in range(1, len(values)):
                    if c.passage.sentences[i - 1].kind == "question":
                        answered[i] = max(values[i], values[i - 1])
                by_passage[c.pid] = (answered, passage_cosine)
            answered, passage_cosine = by_passage[c.pid]
            window = answered[c.first : c.first + c.count]
            c.features["cosine"] = sum(window) / len(window)
            c.features["best_sentence"] = max(window)
            c.features["passage_cosine"] = passage_cosine

    def weight(self, term: str) -> float:
        """A term's IDF; a word the sources never use weighs more than any they do."""
        if term not in self.retriever.vocabulary:
            return self._unseen_idf
        return self.retriever.idf(term)


def _added(a: dict[int, int], b: dict[int, int]) -> dict[int, int]:
    """Term counts of two texts together."""
    out = dict(a)
    for term, count in b.items():
        out[term] = out.get(term, 0) + count
    return out


ECHO_SHARE = 0.5
"""A code block whose distinct terms are at least this share the question's (two at least) is
the asker's own code or error message, pasted in. Hand-set: half of an error line's words are
its message, the rest a path or a name the asker's copy spells otherwise."""


ECHO_RUN = 4
"""... and which shares a run of this many words, in order, with the question: pasted, not
merely alike. "$ pip install frozenlist" holds both terms of "how do i install frozenlist"
and is its answer; a pasted error repeats a whole phrase ("Error loading config file")."""
_WORD = re.compile(r"\w+")


def _echoed(held: dict[int, int], row: dict[int, int], code: str, question: str) -> bool:
    """Whether a code block, whose terms are `row` and of which `held` are the question's,
    repeats what the asker pasted ("WARNING: Error loading config file: …"): it holds
    `ECHO_SHARE` of its terms and a run of `ECHO_RUN` words of the question. The asker has it
    already: it is read as a question the text after it answers, like an FAQ's question line,
    so it is not quoted and the sentence after it carries its words."""
    if len(held) < 2 or len(held) < ECHO_SHARE * len(row):
        return False
    asked = _runs(question)
    return any(run in asked for run in _runs(code))


def _runs(text: str) -> set[tuple[str, ...]]:
    """The runs of `ECHO_RUN` consecutive words of `text`, case folded."""
    words = [w.casefold() for w in _WORD.findall(text)]
    return {tuple(words[i : i + ECHO_RUN]) for i in range(len(words) - ECHO_RUN + 1)}


def _introduced(kinds: list[str], i: int) -> bool:
    """Whether sentence `i` is a code block that the prose sentence before it introduces: the
    two are quoted together or not at all."""
    return 0 < i < len(kinds) and kinds[i] == "code" and kinds[i - 1] == "prose"


def _cosine_of_mean(vectors: np.ndarray, cosines: np.ndarray) -> float:
    """Cosine of the query with the normalised mean of unit `vectors`, from their cosines with
    it: q·mean / |mean|, so no vector is recomputed."""
    norm = float(np.linalg.norm(vectors.sum(axis=0)))
    return float(cosines.sum()) / norm if norm else 0.0


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` largest scores, best first, ties by index."""
    k = min(k, len(scores))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.lexsort((top, -scores[top]))]
