"""The answer engine: question → retrieved passages → best sentences → quoted, cited answer.

Everything the engine returns is a span of a source file, so quotes are verbatim by
construction; `Snippet.quote` is always `text[start:end]`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel

from bot.attribution import claimant
from bot.expect import MONTHS, NUMBER_WORDS, YEAR, Expect, carries, expected
from bot.facts.answer import with_facts
from bot.facts.book import FactBook
from bot.facts.numbers import read_figure
from bot.models import CONFLICT_NOTE, Answer, Snippet, quote_snippet
from bot.question import QuestionError, clean_question
from index.analyzer import TOKEN
from index.models import Passage, Sentence
from index.search import Retriever


class EngineConfig(BaseModel):
    """Knobs of sentence choice and abstention, tuned on benchmarks/xquad.py (see README)."""

    passages: int = 8
    max_window: int = 3
    window_penalty: float = 0.0
    max_quote_chars: int = 500
    sentence_k1: float = 1.2
    sentence_b: float = 0.5
    passage_weight: float = 0.35
    type_bonus: float = 0.35
    question_line_penalty: float = 0.5
    max_quotes: int = 3
    second_quote_ratio: float = 0.8
    min_coverage: float = 0.35
    min_coverage_with_unknown_name: float = 0.6
    conflict_ratio: float = 0.55


@dataclass
class Candidate:
    """A quotable window of one to `max_window` consecutive sentences of one passage."""

    passage: Passage
    first: int
    count: int
    terms: Counter[str]
    body: str
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


_ANAPHORA = re.compile(r"^[\"“]?(?:It|This|These|That|Those|They|He|She|His|Her|Its|Their|Such)\b")
_NAME_WORD = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w’'-]*[A-Za-z]")
# The wording of a question's frame, which no answer repeats: "how long" asks for a duration.
_QUESTION_FRAME = re.compile(r"\bhow (?:long|far|old|often|big|large|high|tall|fast)\b", re.I)
# A figure followed closely by what it counts: "15 immigration detention requests".
_FIGURE = re.compile(r"\b(\d[\d,.]*|" + NUMBER_WORDS + r")\b((?:\s+[\w-]+){1,4})", re.I)
_DATE_NUMBER = re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{MONTHS})\b")


class Engine:
    """Answers questions over one retriever; holds no per-question state, so it is thread-safe."""

    def __init__(
        self,
        retriever: Retriever,
        config: EngineConfig | None = None,
        facts: FactBook | None = None,
    ) -> None:
        self.retriever = retriever
        self.config = config or EngineConfig()
        self.facts = facts
        n = max(len(retriever.passages), 1)
        self._unseen_idf = 2 * math.log(n + 1)

    def ask(self, raw_question: str, max_quotes: int | None = None) -> Answer:
        try:
            cleaned = clean_question(raw_question)
        except QuestionError as exc:
            return Answer(question=raw_question[:200], status="no_answer", note=str(exc))
        question, notes = cleaned.text, list(cleaned.notes)
        unknown = self._unknown_names(question)
        answer = self._answer(question, max_quotes or self.config.max_quotes, unknown)
        if self.facts is not None and not unknown:
            answer = with_facts(self.facts, answer)
        if notes:
            answer.note = " ".join([*notes, answer.note]).strip()
        return answer

    def _answer(self, question: str, max_quotes: int, unknown: list[str]) -> Answer:
        terms = self.retriever.analyzer.terms(_QUESTION_FRAME.sub(" ", question))
        if not terms:
            return self._decline(question, "The question has no searchable words.")
        hits = self.retriever.search(terms, self.config.passages)
        if not hits:
            return self._decline(question, "None of the question's words appear in the sources.")
        # Built once from the saved arrays, then shared by ranking and the evidence checks.
        retrieved = [(self.retriever.passages[h.passage], h.score) for h in hits]
        kind = expected(question)
        candidates = self._rank(question, terms, kind, retrieved)
        best = candidates[0]
        reason = self._weak_evidence(question, terms, [p for p, _ in retrieved], best, unknown)
        if reason:
            return self._decline(question, reason)
        if kind in (Expect.NUMBER, Expect.PERCENT):
            conflict = self._conflict(question, set(terms), candidates)
            if conflict:
                return Answer(
                    question=question,
                    status="conflict",
                    snippets=conflict,
                    note=CONFLICT_NOTE,
                )
        chosen = [best]
        for other in candidates[1:]:
            if len(chosen) >= max_quotes:
                break
            if other.score >= self.config.second_quote_ratio * best.score and all(
                other.key != c.key for c in chosen
            ):
                chosen.append(other)
        return Answer(
            question=question,
            status="answered",
            snippets=[self._snippet(c) for c in chosen],
        )

    def _weak_evidence(
        self,
        question: str,
        terms: list[str],
        passages: list[Passage],
        best: Candidate,
        unknown: list[str],
    ) -> str | None:
        """Why the best quote would not answer the question, or None when it may; `unknown` are
        the names in the question that no source uses."""
        present = self._passage_terms(best.passage)
        coverage = self._coverage(terms, present)
        if unknown and coverage < self.config.min_coverage_with_unknown_name:
            return f"The sources never mention {', '.join(unknown)}, so they cannot say."
        if coverage < self.config.min_coverage:
            missing = [
                m.group(0)
                for m in TOKEN.finditer(question)
                if not set(self.retriever.analyzer.terms(m.group(0))) <= present
            ]
            return (
                "The sources do not answer this; the closest passage does not mention "
                f"{', '.join(dict.fromkeys(missing[:5]))}."
            )
        years = set(YEAR.findall(question))
        if years and not any(years & set(YEAR.findall(self._passage_text(p))) for p in passages):
            return f"The sources say nothing about {', '.join(sorted(years))}."
        return None

    def _unknown_names(self, question: str) -> list[str]:
        """Capitalised words after the first (names, places) that no source ever uses."""
        names = _NAME_WORD.findall(question)
        return [
            n
            for n in dict.fromkeys(names)
            if (stems := self.retriever.analyzer.terms(n))
            and not any(s in self.retriever.vocabulary for s in stems)
        ]

    def _decline(self, question: str, note: str) -> Answer:
        return Answer(question=question, status="no_answer", note=note)

    # --- ranking ---------------------------------------------------------------------------

    def _rank(
        self, question: str, terms: list[str], kind: Expect, retrieved: list[tuple[Passage, float]]
    ) -> list[Candidate]:
        """Score every window of the top passages; best first, ties by retrieval order."""
        cfg = self.config
        top = retrieved[0][1]
        candidates: list[Candidate] = []
        for passage, score in retrieved:
            for c in self._windows(passage):
                c.score = cfg.passage_weight * score / top - cfg.window_penalty * (c.count - 1)
                if kind is not Expect.ANY and carries(kind, c.body, question):
                    c.score += cfg.type_bonus
                if any(s.kind == "question" for s in c.sentences):
                    c.score -= cfg.question_line_penalty
                candidates.append(c)
        self._add_sentence_scores(set(terms), candidates)
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _windows(self, passage: Passage) -> list[Candidate]:
        """Single sentences, and runs of up to `max_window` that stay under `max_quote_chars`,
        hold no table row after the first sentence, and never step over chrome."""
        text = self.retriever.text(passage.source)
        analyzer = self.retriever.analyzer
        single = [Counter(analyzer.terms(text[s.start : s.end])) for s in passage.sentences]
        out = []
        for first in range(len(passage.sentences)):
            for count in range(1, self.config.max_window + 1):
                if first + count > len(passage.sentences):
                    break
                start = passage.sentences[first].start
                end = passage.sentences[first + count - 1].end
                if count > 1 and (
                    end - start > self.config.max_quote_chars
                    or passage.sentences[first + count - 1].kind == "table"
                    or self._crosses_chrome(passage.source, start, end)
                ):
                    break
                terms = sum(single[first : first + count], Counter())
                out.append(Candidate(passage, first, count, terms, text[start:end]))
        return out

    def _add_sentence_scores(self, terms: set[str], candidates: list[Candidate]) -> None:
        """BM25 of each window against the question (lengths against the average sentence),
        normalised to the best window."""
        k1, b = self.config.sentence_k1, self.config.sentence_b
        lengths = [sum(c.terms.values()) for c in candidates]
        singles = [n for n, c in zip(lengths, candidates, strict=True) if c.count == 1]
        avg = max(sum(singles) / max(len(singles), 1), 1.0)
        raw = []
        for c, length in zip(candidates, lengths, strict=True):
            s = 0.0
            for t in terms:
                tf = c.terms.get(t, 0)
                if tf:
                    s += self._weight(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))
            raw.append(s)
        top = max(raw, default=0.0) or 1.0
        for c, s in zip(candidates, raw, strict=True):
            c.score += s / top

    def _weight(self, term: str) -> float:
        """A term's IDF; a word the sources never use weighs more than any they do."""
        if term not in self.retriever.vocabulary:
            return self._unseen_idf
        return self.retriever.idf(term)

    def _passage_text(self, passage: Passage) -> str:
        return self.retriever.text(passage.source)[passage.start : passage.end]

    def _passage_terms(self, passage: Passage) -> set[str]:
        """Terms of the passage and its heading: what the passage can be said to be about."""
        text = self.retriever.text(passage.source)
        return set(
            self.retriever.analyzer.terms(
                f"{passage.heading or ''} {text[passage.start : passage.end]}"
            )
        )

    def _coverage(self, terms: list[str], present: set[str]) -> float:
        """Share of the question's IDF mass that the passage holds; unseen words weigh most."""
        unique = set(terms)
        total = sum(self._weight(t) for t in unique)
        prefixes = {p[:5] for p in present if len(p) >= 5}
        held = sum(
            self._weight(t) for t in unique if t in present or (len(t) >= 6 and t[:5] in prefixes)
        )
        return held / total if total else 0.0

    # --- quoting ---------------------------------------------------------------------------

    def _crosses_chrome(self, source: str, start: int, end: int) -> bool:
        return any(start < c.end and c.start < end for c in self.retriever.documents[source].chrome)

    def _span(self, c: Candidate) -> tuple[int, int]:
        """The window, with the sentence before it when it opens with a pronoun that needs it."""
        if c.first > 0 and _ANAPHORA.match(c.body):
            start = c.passage.sentences[c.first - 1].start
            if not self._crosses_chrome(c.passage.source, start, c.end):
                return start, c.end
        return c.start, c.end

    def _snippet(self, c: Candidate, claimed_by: str | None = None) -> Snippet:
        source = c.passage.source
        start, end = self._span(c)
        meta = self.retriever.documents[source].meta
        return quote_snippet(
            self.retriever.text(source), meta, start, end, round(c.score, 4), claimed_by
        )

    # --- conflicts -------------------------------------------------------------------------

    def _figures(self, sentence: str, terms: set[str]) -> list[tuple[float, str | None]]:
        """Figures in a sentence that count something the question asks about, as values:
        "1,000" and "1000", "two" and "2" are the same figure."""
        plain = _DATE_NUMBER.sub(" ", sentence)
        analyzer = self.retriever.analyzer
        values = []
        for m in _FIGURE.finditer(plain):
            if YEAR.fullmatch(m.group(1)) or not terms & set(analyzer.terms(m.group(2))):
                continue
            figure = read_figure(m.group(1))
            if figure is not None:
                values.append((float(figure.number), figure.unit))
        return values

    def _conflict(
        self, question: str, terms: set[str], candidates: list[Candidate]
    ) -> list[Snippet]:
        """Strong sentences that give different figures for the same year, claimed by different
        parties. The year is the question's, or else that of the strongest claim: figures for
        different or unknown years are not in conflict."""
        period = set(YEAR.findall(question))
        singles = [c for c in candidates if c.count == 1]
        best = singles[0].score
        claims: dict[str, tuple[Candidate, str | None]] = {}
        for c in singles:
            if c.score < self.config.conflict_ratio * best:
                break
            figures = self._figures(c.body, terms)
            if not figures or c.sentences[0].kind == "question":
                continue
            context = self._context(c)
            years = set(YEAR.findall(context))
            if not period:
                if not years:
                    return []
                period = years
            if not period & years:
                continue
            claims.setdefault(figures[0], (c, claimant(c.body, context)))
        if len(claims) < 2:
            return []
        parties = {(c.passage.source, who) for c, who in claims.values()}
        if len(parties) < 2:
            return []
        return [self._snippet(c, who) for c, who in list(claims.values())[:3]]

    def _context(self, c: Candidate) -> str:
        """The sentence and the two before it, for the year and the speaker it relies on."""
        text = self.retriever.text(c.passage.source)
        first = c.passage.sentences[max(0, c.first - 2)]
        return text[first.start : c.end]
