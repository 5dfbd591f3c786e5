"""The answer engine: parsed question → evidence → policy → quoted, cited answer.

Everything the engine returns is a span of a source file, so quotes are verbatim by
construction; `Snippet.quote` is always `text[start:end]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pydantic import BaseModel, Field

from bot.core.arbiter import Verdict, arbitrate
from bot.core.attribution import claimant, claimant_at
from bot.core.compose import compose
from bot.core.evidence import (
    LEXICAL_WEIGHTS,
    SEMANTIC_WEIGHTS,
    Candidate,
    Evidence,
    EvidenceFinder,
    RankWeights,
)
from bot.core.expect import YEAR, Expect, defined_thing
from bot.core.figures import find_figures
from bot.core.name_slots import NameSlots
from bot.core.policy import (
    Policy,
    about_subject,
    decline_reason,
    from_opening,
    gives,
    role_facts,
    statements_of,
)
from bot.core.question import ASKS, Asks, ParsedQuestion, QuestionError, parse_question
from bot.core.subjects import Subjects
from bot.facts.answer import fact_card
from bot.facts.book import FactBook
from bot.facts.claims import claim_key
from bot.facts.faq import faq_match
from bot.facts.models import FactLookup
from bot.facts.numbers import read_figure
from bot.models import CONFLICT_NOTE, Answer, Snippet, quote_snippet
from index.analyzer import TOKEN
from index.models import FaqEntry, Passage
from index.passage_search import PassageSearch


class EngineConfig(BaseModel):
    """Knobs of retrieval, sentence choice and abstention (see README: Quality)."""

    passages: int = 8
    """BM25's best passages to look for windows in."""
    nearest: int = 10
    """Semantic mode: the passages of this many sentences nearest the question join them."""
    max_window: int = 3
    max_quote_chars: int = 500
    sentence_k1: float = 1.2
    sentence_b: float = 0.5
    lexical: RankWeights = LEXICAL_WEIGHTS
    semantic: RankWeights = SEMANTIC_WEIGHTS
    max_quotes: int = 3
    second_quote_ratio: float = 0.8
    conflict_ratio: float = 0.55
    policy: Policy = Field(default_factory=Policy)


_ANAPHORA = re.compile(r"^[\"“]?(?:It|This|These|That|Those|They|He|She|His|Her|Its|Their|Such)\b")


@dataclass(frozen=True)
class Decision:
    """What the arbiter weighed and what it chose: the ranked windows as found (None when
    nothing could be searched), the windows' own answer, the matched fact card and FAQ entry
    (None when none matched), and the verdict."""

    found: Evidence | None
    quoted: Answer
    card: FactLookup | None
    faq: FaqEntry | None
    verdict: Verdict


NOT_THEIRS = "not the words of the party asked about"
NOT_ABOUT = "not about the subject named"
NOT_OPENING = "not the opening of the document the question asks about"


@dataclass(frozen=True)
class Judged:
    """The evidence narrowed to the windows that may answer (`Engine.judged`), the reason
    each window set aside was (by `id`), and the decline note when none is left."""

    evidence: Evidence
    aside: dict[int, str]
    note: str | None = None
    settled: bool = False
    """The windows left open the document the question asks about ("what is pytest"): the
    collection holds that document, so no score on shared words judges them."""


class Engine:
    """Answers questions over one retriever; holds no per-question state, so it is thread-safe."""

    def __init__(
        self,
        retriever: PassageSearch,
        config: EngineConfig | None = None,
        facts: FactBook | None = None,
    ) -> None:
        self.retriever = retriever
        self.config = cfg = config or EngineConfig()
        self.facts = facts
        self._forms: dict[Asks, bool] = {}
        self._slots: NameSlots | None = None
        self.subjects = Subjects(retriever)
        self._curated = [f for f in facts.facts if f.origin == "curated"] if facts else []
        self.finder = EvidenceFinder(
            retriever,
            passages=cfg.passages,
            nearest=cfg.nearest,
            max_window=cfg.max_window,
            max_quote_chars=cfg.max_quote_chars,
            sentence_k1=cfg.sentence_k1,
            sentence_b=cfg.sentence_b,
            weights=cfg.semantic if retriever.semantic else cfg.lexical,
        )

    @property
    def semantic(self) -> bool:
        return self.retriever.semantic

    def parse(self, raw: str) -> ParsedQuestion:
        """The question cleaned and parsed once, for every later step; QuestionError when
        nothing is left to ask."""
        r = self.retriever
        question = parse_question(
            raw, r.analyzer, r.vocabulary, r.encoder if self.semantic else None
        )
        if question.asks:
            question = replace(question, asks=frozenset(filter(self._binds, question.asks)))
        if question.unseen and (
            names := self._name_slots().names_in(question.text, question.unseen)
        ):
            question = replace(question, unknown=(*question.unknown, *names))
        if question.statement_of and not self._name_slots().writes_as_name(question.statement_of):
            question = replace(question, statement_of=None)  # "what does the Trust Act say"
        if subject := self.subjects.named_by(question.terms, question.rarity):
            question = replace(question, subject=subject)
        return question

    def match_key(self, raw: str) -> str:
        """A wording's match key (`ParsedQuestion.key`: its words as parsing reads them) alone,
        without the sentence vector that `parse` encodes in semantic mode: matching a question
        with curated wordings by words needs only this. QuestionError as `parse`."""
        r = self.retriever
        return parse_question(raw, r.analyzer, r.vocabulary).key

    def _name_slots(self) -> NameSlots:
        """Where the sources write names (bot/core/name_slots.py): read once, when a question
        first holds a word no source uses or asks what a party said."""
        if self._slots is None:
            r = self.retriever
            self._slots = NameSlots((str(r.text(name)) for name in r.documents), r.analyzer)
        return self._slots

    def _binds(self, form: Asks) -> bool:
        """Whether asking for a form of answer (a phone number, an address) binds here: where
        the sources word something as the question does ("the address of") yet never write
        that form, they use the words in another sense (a programming FAQ's "the address of
        an object"), and the question means them so. Looked up once per form."""
        if form not in self._forms:
            texts = [str(self.retriever.text(name)) for name in self.retriever.documents]
            worded = any(ASKS[form].search(text) for text in texts)
            self._forms[form] = not worded or any(gives(form, text) for text in texts)
        return self._forms[form]

    def ask(self, raw_question: str, max_quotes: int | None = None) -> Answer:
        """Parse and answer; a question that cannot be asked gets a no_answer with the reason."""
        try:
            question = self.parse(raw_question)
        except QuestionError as exc:
            return Answer(question=raw_question[:200], status="no_answer", note=str(exc))
        return self.answer(question, max_quotes)

    def answer(self, question: ParsedQuestion, max_quotes: int | None = None) -> Answer:
        """The evidence for `question`, judged by the policy and composed into one answer."""
        return self.compose_answer(question, self.decide(question, max_quotes))

    def compose_answer(self, question: ParsedQuestion, d: Decision) -> Answer:
        """The decision laid out as one answer, with what cleaning the question changed."""
        answer = compose(question, d.verdict, d.quoted, d.card, d.faq, self.facts)
        if question.notes:
            answer.note = " ".join([*question.notes, answer.note]).strip()
        return answer

    def decide(self, question: ParsedQuestion, max_quotes: int | None = None) -> Decision:
        """Each kind of evidence for `question` and the arbiter's verdict on them."""
        found = self.find(question) if self.retriever.passage_count() else None
        quoted = self._quotes(question, found, max_quotes or self.config.max_quotes)
        card = faq = None
        if self.facts is not None and not question.unknown:
            card = fact_card(self.facts, question, self.config.policy)
            faq = faq_match(self.facts, question, self.config.policy)
            if faq is not None and not self._faq_about(faq, question.subject):
                faq = None  # another project's FAQ answers another project's question
        return Decision(found, quoted, card, faq, arbitrate(question, quoted, card, faq))

    def find(self, question: ParsedQuestion) -> Evidence | None:
        """The ranked windows for `question` (None when it has no searchable words), the
        opening of the document a "what is X" asks about among the passages searched."""
        if not question.terms:
            return None
        opening = self.opening(question)
        return self.finder.find(question, () if opening is None else (opening[0],))

    def _quotes(self, question: ParsedQuestion, found: Evidence | None, max_quotes: int) -> Answer:
        """The quote windows' own answer from the evidence `found` (None when there are no
        sources or no searchable words)."""
        if not self.retriever.passage_count():
            return self._decline(question, "There are no sources to answer from.")
        if found is None:
            return self._decline(question, "The question has no searchable words.")
        evidence = found
        if not evidence.lexical_hits or not evidence.candidates:
            return self._decline(question, "None of the question's words appear in the sources.")
        judged = self.judged(question, evidence)
        if judged.note:
            return self._decline(question, judged.note)
        evidence = judged.evidence
        best = evidence.best
        reason = decline_reason(
            question,
            evidence,
            self.coverage(evidence, best.pid),
            lambda: [self.passage_text(x.passage) for x in evidence.retrieved],
            lambda: self.missing_words(evidence, best.passage),
            self.config.policy,
            judged.settled,
        )
        if reason:
            return self._decline(question, reason)
        if question.kind in (Expect.NUMBER, Expect.PERCENT):
            conflict = self._conflict(question, evidence)
            if conflict:
                return Answer(
                    question=question.text, status="conflict", snippets=conflict, note=CONFLICT_NOTE
                )
        chosen = [best]
        for other in evidence.candidates[1:]:
            if len(chosen) >= max_quotes:
                break
            if other.score >= self.config.second_quote_ratio * best.score and all(
                other.key != c.key and _words(other.body) != _words(c.body) for c in chosen
            ):
                chosen.append(other)
        return Answer(
            question=question.text,
            status="answered",
            snippets=[self._snippet(c) for c in chosen],
        )

    def judged(self, question: ParsedQuestion, evidence: Evidence) -> Judged:
        """The windows the engine judges and may quote: for "what did Mayor Wu say …" those
        she speaks in (`policy.statements_of`), for a question naming a document's subject
        those about it (`policy.about_subject`). The engine and `ask --explain` both ask here,
        so the explanation scores and marks the windows the engine judged. For "what is
        pytest", the windows of the opening of the document about it (`policy.from_opening`)."""
        aside: dict[int, str] = {}
        narrowings = (
            (
                lambda windows: statements_of(question, windows, self.speaker),
                NOT_THEIRS,
                lambda: f"The sources quote nothing from {question.statement_of} on this.",
            ),
            (
                lambda windows: about_subject(question, windows, self._about),
                NOT_ABOUT,
                lambda: self._no_subject_note(question),
            ),
        )
        for narrow, reason, note in narrowings:
            kept = narrow(evidence.candidates)
            if kept is None:  # the question names no party, or no subject
                continue
            aside |= _left_out(evidence.candidates, kept, reason)
            if not kept:
                return Judged(evidence, aside, note())
            evidence = replace(evidence, candidates=kept)
        opening = from_opening(evidence.candidates, self.opening(question))
        if opening is None:
            return Judged(evidence, aside)
        aside |= _left_out(evidence.candidates, opening, NOT_OPENING)
        return Judged(replace(evidence, candidates=opening), aside, settled=True)

    def opening(self, question: ParsedQuestion) -> tuple[int, int] | None:
        """For "what is X" naming one document, where that document opens
        (`Subjects.opening`: a passage and a sentence of it): the passage joins the retrieved
        ones, and the windows starting there answer (`policy.from_opening`). X names it when
        typed as its file name or title ("what is python-dotenv"), or when the question asks
        nothing but words naming its subject ("what is autoincrement", `autoinc.html`)."""
        if question.kind is not Expect.DEFINITION:
            return None
        source = self.subjects.titled(defined_thing(question.text))
        if source is None and question.subject and set(question.terms) <= set(question.subject):
            docs = set().union(*(self.subjects.documents(t) for t in question.subject))
            source = docs.pop() if len(docs) == 1 else None
        return None if source is None else self.subjects.opening(source)

    def _about(self, pid: int, terms: tuple[str, ...]) -> bool:
        """Whether passage `pid` is about a subject `terms` name: its document is one they
        name, or it (with its heading) holds one of them."""
        if self.subjects.names(self.retriever.source_of(pid), terms):
            return True
        return not self.passage_terms(pid).isdisjoint(terms)

    def _faq_about(self, faq: FaqEntry, terms: tuple[str, ...]) -> bool:
        """Whether an FAQ entry is about a subject `terms` name (True when they name none), as
        a window must be: in a document they name, or its question and answer holding one."""
        if not terms or self.subjects.names(faq.source, terms):
            return True
        end = faq.section_end or faq.answer.end
        entry = self.retriever.text(faq.source)[faq.question.start : end]
        return not set(self.retriever.analyzer.terms(str(entry))).isdisjoint(terms)

    def _no_subject_note(self, question: ParsedQuestion) -> str:
        """Why a question about a document's subject is declined, naming it as typed."""
        typed = [word for word, _ in self._typed(question, set(question.subject))]
        return f"No passage about {', '.join(dict.fromkeys(typed))} answers this."

    def _typed(self, question: ParsedQuestion, terms: set[str]) -> list[tuple[str, set[str]]]:
        """The question's words as the asker typed them that analyse to some of `terms`,
        each with those terms, in order: what a note names."""
        analyzer = self.retriever.analyzer
        found = []
        for m in TOKEN.finditer(question.text):
            if held := set(analyzer.terms(m.group(0))) & terms:
                found.append((m.group(0), held))
        return found

    def closest_titles(self, question: ParsedQuestion, k: int = 3) -> list[str]:
        """The titles of the `k` sources closest to a question they did not answer: those of
        its best passages by words, then by meaning; else the first `k` sources."""
        r = self.retriever
        found: list[str] = []
        if question.terms:
            found += [r.source_of(h.passage) for h in r.search(list(question.terms), 4 * k)]
        if question.vector is not None and r.semantic:
            nearest = r.nearest(question.vector, 4 * k)
            found += [r.source_of(p) for p in r.passage_of([s for s, _ in nearest]).tolist()]
        names = list(dict.fromkeys(found)) or list(r.documents)
        return [r.documents[name].meta.title for name in names[:k]]

    def _decline(self, question: ParsedQuestion, note: str) -> Answer:
        return Answer(question=question.text, status="no_answer", note=note)

    # --- coverage ----------------------------------------------------------------------------

    def passage_text(self, passage: Passage) -> str:
        return self.retriever.text(passage.source)[passage.start : passage.end]

    def coverage(self, evidence: Evidence, pid: int) -> float:
        """Share of the question's weight (`Evidence.weights`) that passage `pid` and its
        heading hold. A word of six letters or more sharing its first five with a passage word
        counts as held, which forgives misspellings."""
        present = self.passage_terms(pid)
        weights = evidence.weights
        prefixes = {p[:5] for p in present if len(p) >= 5}
        held = sum(
            w for t, w in weights.items() if t in present or (len(t) >= 6 and t[:5] in prefixes)
        )
        total = sum(weights.values())
        return held / total if total else 0.0

    def passage_terms(self, pid: int) -> set[str]:
        """The index terms of passage `pid` and its heading, as the build saved them."""
        r = self.retriever
        ids = set(r.heading_terms_of(pid))
        for sid in r.sentence_ids(pid):
            ids.update(r.terms_of_sentence(sid))
        return {r.term_name(i) for i in ids}

    def missing_words(self, evidence: Evidence, passage: Passage) -> list[tuple[str, bool]]:
        """The question's words that the passage does not hold, as the user wrote them, each
        with whether no source uses it at all (the asker's wording, not the sources'); the
        words that weigh most in the question first (`Evidence.weights`), so a decline names
        "ternary" before "actually"."""
        analyzer = self.retriever.analyzer
        question = evidence.question
        present = set(analyzer.terms(self.passage_text(passage)))
        # The search terms, not the frame: not the "say" of "what did Cox say".
        weights = evidence.weights
        missing: dict[str, tuple[bool, float]] = {}
        for word, terms in self._typed(question, set(weights)):
            if not terms <= present:
                weight = max(weights[t] for t in terms)
                missing.setdefault(word, (terms <= question.unseen, weight))
        ranked = sorted(missing.items(), key=lambda item: -item[1][1])
        return [(word, unused) for word, (unused, _) in ranked]

    # --- quoting -----------------------------------------------------------------------------

    def _span(self, c: Candidate) -> tuple[int, int]:
        """The window, with the sentence before it when it opens with a pronoun that needs it."""
        if c.first > 0 and _ANAPHORA.match(c.body):
            before = c.passage.sentences[c.first - 1]
            if before.kind != "question" and not self.finder.crosses_chrome(
                c.passage.source, before.start, c.end
            ):
                return before.start, c.end
        return c.start, c.end

    def snippet_text(self, c: Candidate) -> str:
        """What quoting `c` would show."""
        start, end = self._span(c)
        return self.retriever.text(c.passage.source)[start:end]

    def _snippet(self, c: Candidate, claimed_by: str | None = None) -> Snippet:
        source = c.passage.source
        start, end = self._span(c)
        meta = self.retriever.documents[source].meta
        code = [
            (s.start - start, s.end - start)
            for s in c.passage.sentences
            if s.kind == "code" and start <= s.start and s.end <= end
        ]
        return quote_snippet(
            self.retriever.text(source), meta, start, end, round(c.score, 4), claimed_by, code
        )

    # --- conflicts ---------------------------------------------------------------------------

    def _figures(self, sentence: str, terms: set[str]) -> list[tuple[str, int]]:
        """Figures in a sentence that count something the question asks about, with where
        each starts (for who claims it)."""
        analyzer = self.retriever.analyzer
        return [
            (found.text, found.start)
            for found in find_figures(sentence)
            if terms & set(analyzer.terms(" ".join(found.after.split()[:4])))
            and read_figure(found.text) is not None
        ]

    def _conflict(self, question: ParsedQuestion, evidence: Evidence) -> list[Snippet]:
        """Strong sentences that give different figures for the same year, claimed by different
        parties, each figure with its own claimant (one sentence may carry two parties'
        figures). The year is the question's, or else that of the strongest claim: figures
        for different or unknown years are not in conflict."""
        period = set(question.years)
        terms = set(question.terms)
        singles = [c for c in evidence.candidates if c.count == 1]
        if not singles:  # every sentence introduces code, which goes with it: no claim alone
            return []
        best = singles[0].score
        claims: dict[object, tuple[Candidate, str, str | None]] = {}
        for c in singles:
            if c.score < self.config.conflict_ratio * best:
                break
            figures = self._figures(c.body, terms)
            if not figures:
                continue
            context = self._context(c)
            years = set(YEAR.findall(context))
            if not period:
                if not years:
                    return []
                period = years
            if not period & years:
                continue
            for text, at in figures:
                claims.setdefault(claim_key(text), (c, text, claimant_at(c.body, at, context)))
        if len(claims) < 2:
            return []
        parties = {(c.passage.source, who) for c, _, who in claims.values()}
        if len(parties) < 2:
            return []
        return [
            self._snippet(c, who).model_copy(update={"value": text})
            for c, text, who in list(claims.values())[:3]
        ]

    def speaker(self, c: Candidate) -> str | None:
        """Who speaks in the window: named in it, or in the two sentences before it; with the
        roles the facts give that person, since a spokeswoman speaks for her agency ("Choates
        wrote" is ICE speaking: the curated facts name Yolanda Choates ICE's spokeswoman; a
        table's subject is its caption, not whom the person speaks for)."""
        who = claimant(c.body, self._context(c))
        if who is None:
            return who
        roles = [f"{f.measure}, {f.subject}" for f in role_facts(who, self._curated)]
        return "; ".join([who, *dict.fromkeys(roles)])

    def _context(self, c: Candidate) -> str:
        """The sentence and the two before it, for the year and the speaker it relies on."""
        text = self.retriever.text(c.passage.source)
        first = c.passage.sentences[max(0, c.first - 2)]
        return text[first.start : c.end]


def _words(text: str) -> str:
    """A quote's words, case and spacing aside: two pages that say the very same thing
    ("Right click a channel name and click `Copy ID`.") give one quote, not the same twice."""
    return " ".join(text.casefold().split())


def _left_out(windows: list[Candidate], kept: list[Candidate], reason: str) -> dict[int, str]:
    """The windows not `kept`, by `id`, each with the `reason` it was set aside."""
    ids = {id(c) for c in kept}
    return {id(c): reason for c in windows if id(c) not in ids}
