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
from bot.expect import NUMBER_WORDS, Expect, carries, expected
from bot.facts.answer import with_facts
from bot.facts.book import FactBook
from bot.models import Answer, Snippet
from bot.question import QuestionError, clean_question
from index.models import Passage, Sentence
from index.search import Retriever


class EngineConfig(BaseModel):
    """Knobs of sentence choice and abstention, tuned on benchmarks/xquad.py (see README)."""

    passages: int = 8
    passage_weight: float = 0.35
    type_bonus: float = 0.3
    question_line_penalty: float = 0.5
    max_quotes: int = 3
    second_quote_ratio: float = 0.8
    min_coverage: float = 0.5
    conflict_ratio: float = 0.55


@dataclass
class Candidate:
    passage: Passage
    position: int
    sentence: Sentence
    terms: Counter[str]
    score: float = 0.0

    @property
    def key(self) -> tuple[str, int]:
        return (self.passage.source, self.sentence.start)


_ANAPHORA = re.compile(r"^[\"“]?(?:It|This|These|That|Those|They|He|She|His|Her|Its|Their|Such)\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# The wording of a question's frame, which no answer repeats: "how long" asks for a duration.
_QUESTION_FRAME = re.compile(r"\bhow (?:long|far|old|often|big|large|high|tall|fast)\b", re.I)
# A figure followed closely by what it counts: "15 immigration detention requests".
_FIGURE = re.compile(r"\b(\d[\d,.]*|" + NUMBER_WORDS + r")\b((?:\s+[\w-]+){1,4})", re.I)
_DATE_NUMBER = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2}\b|\b\d{1,2}\s+(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b"
)


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
        self._unseen_idf = math.log((n + 0.5) / 0.5)

    def ask(self, raw_question: str, max_quotes: int | None = None) -> Answer:
        try:
            cleaned = clean_question(raw_question)
        except QuestionError as exc:
            return Answer(question=raw_question[:200], status="no_answer", note=str(exc))
        question, notes = cleaned.text, list(cleaned.notes)
        answer = self._answer(question, max_quotes or self.config.max_quotes)
        if self.facts is not None:
            answer = with_facts(self.facts, answer)
        if notes:
            answer.note = " ".join([*notes, answer.note]).strip()
        return answer

    def _answer(self, question: str, max_quotes: int) -> Answer:
        terms = self.retriever.analyzer.terms(_QUESTION_FRAME.sub(" ", question))
        if not terms:
            return self._decline(question, "The question has no searchable words.")
        hits = self.retriever.search(terms, self.config.passages)
        if not hits:
            return self._decline(question, "None of the question's words appear in the sources.")
        kind = expected(question)
        candidates = self._rank(question, terms, kind, hits)
        best = candidates[0]
        coverage = self._coverage(terms, best)
        if coverage < self.config.min_coverage:
            missing = sorted(
                {
                    t
                    for t in terms
                    if t not in best.terms and t not in self._passage_terms(best.passage)
                }
            )
            return self._decline(
                question,
                f"The sources do not answer this: the best passage lacks "
                f"{', '.join(missing[:5]) or 'the key terms'}.",
            )
        if kind is Expect.NUMBER:
            conflict = self._conflict(question, set(terms), candidates)
            if conflict:
                return Answer(
                    question=question,
                    status="conflict",
                    snippets=conflict,
                    note="The sources disagree; each claim is quoted with who made it.",
                )
        chosen = [best]
        for other in candidates[1:]:
            if len(chosen) >= max_quotes:
                break
            if other.score >= self.config.second_quote_ratio * best.score and all(
                other.passage is not c.passage for c in chosen
            ):
                chosen.append(other)
        return Answer(
            question=question,
            status="answered",
            snippets=[self._snippet(c) for c in chosen],
        )

    def _decline(self, question: str, note: str) -> Answer:
        return Answer(question=question, status="no_answer", note=note)

    # --- ranking ---------------------------------------------------------------------------

    def _rank(self, question: str, terms: list[str], kind: Expect, hits: list) -> list[Candidate]:
        """Score every sentence of the top passages; best first, ties by document order."""
        analyzer = self.retriever.analyzer
        top = hits[0].score
        candidates: list[Candidate] = []
        for hit in hits:
            passage = self.retriever.passages[hit.passage]
            text = self.retriever.text(passage.source)
            for position, sentence in enumerate(passage.sentences):
                body = text[sentence.start : sentence.end]
                c = Candidate(passage, position, sentence, Counter(analyzer.terms(body)))
                c.score = self.config.passage_weight * hit.score / top
                if kind is not Expect.ANY and carries(kind, body, question):
                    c.score += self.config.type_bonus
                if sentence.kind == "question":
                    c.score -= self.config.question_line_penalty
                candidates.append(c)
        self._add_sentence_scores(set(terms), candidates)
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _add_sentence_scores(self, terms: set[str], candidates: list[Candidate]) -> None:
        """BM25 of each sentence against the question, normalised to the best sentence."""
        k1, b = self.retriever.params.k1, self.retriever.params.b
        lengths = [sum(c.terms.values()) for c in candidates]
        avg = max(sum(lengths) / max(len(lengths), 1), 1.0)
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
        """A term's IDF, never below a small positive floor so common words still count a little."""
        if term not in self.retriever.vocabulary:
            return self._unseen_idf
        return max(self.retriever.idf(term), 0.1)

    def _passage_terms(self, passage: Passage) -> set[str]:
        text = self.retriever.text(passage.source)
        return set(self.retriever.analyzer.terms(text[passage.start : passage.end]))

    def _coverage(self, terms: list[str], best: Candidate) -> float:
        """Share of the question's IDF mass found in the best sentence's passage."""
        present = self._passage_terms(best.passage)
        if best.passage.heading:
            present |= set(self.retriever.analyzer.terms(best.passage.heading))
        unique = set(terms)
        total = sum(self._weight(t) for t in unique)
        return sum(self._weight(t) for t in unique if t in present) / total if total else 0.0

    # --- quoting ---------------------------------------------------------------------------

    def _span(self, c: Candidate) -> tuple[int, int]:
        """The sentence, with the one before it when it opens with a pronoun that needs it."""
        text = self.retriever.text(c.passage.source)
        start, end = c.sentence.start, c.sentence.end
        if c.position > 0 and _ANAPHORA.match(text[start:end]):
            start = c.passage.sentences[c.position - 1].start
        return start, end

    def _snippet(self, c: Candidate, claimed_by: str | None = None) -> Snippet:
        source = c.passage.source
        text = self.retriever.text(source)
        start, end = self._span(c)
        meta = self.retriever.documents[source].meta
        return Snippet(
            quote=text[start:end],
            source=source,
            start=start,
            end=end,
            title=meta.title,
            publisher=meta.publisher,
            date=meta.date,
            url=meta.url,
            score=round(c.score, 4),
            line=text.count("\n", 0, start) + 1,
            claimed_by=claimed_by,
        )

    # --- conflicts -------------------------------------------------------------------------

    def _figures(self, sentence: str, terms: set[str]) -> list[str]:
        """Figures in a sentence that count something the question asks about."""
        plain = _DATE_NUMBER.sub(" ", sentence)
        analyzer = self.retriever.analyzer
        return [
            m.group(1).lower()
            for m in _FIGURE.finditer(plain)
            if not _YEAR.fullmatch(m.group(1)) and terms & set(analyzer.terms(m.group(2)))
        ]

    def _conflict(
        self, question: str, terms: set[str], candidates: list[Candidate]
    ) -> list[Snippet]:
        """Strong sentences that give different figures, claimed by different parties."""
        years = set(_YEAR.findall(question))
        best = candidates[0].score
        claims: dict[str, tuple[Candidate, str | None]] = {}
        for c in candidates:
            if c.score < self.config.conflict_ratio * best or c.sentence.kind == "question":
                continue
            text = self.retriever.text(c.passage.source)
            body = text[c.sentence.start : c.sentence.end]
            if years and not years & set(_YEAR.findall(self._context(c))):
                continue
            figures = self._figures(body, terms)
            if not figures:
                continue
            value = figures[0]
            if value not in claims:
                claims[value] = (c, claimant(body, self._context(c)))
        if len(claims) < 2:
            return []
        parties = {(c.passage.source, who) for c, who in claims.values()}
        if len(parties) < 2:
            return []
        return [self._snippet(c, who) for c, who in list(claims.values())[:3]]

    def _context(self, c: Candidate) -> str:
        """The sentence and the two before it, for the year and the speaker it relies on."""
        text = self.retriever.text(c.passage.source)
        first = c.passage.sentences[max(0, c.position - 2)]
        return text[first.start : c.sentence.end]
