"""Why the bot answered or declined: `python -m bot ask --explain "Q"`.

A moderator who sees a wrong quote or a wrong decline needs what the engine weighed: how the
question was read, the best windows with their features and scores, the answer-or-decline
score against its threshold, and the outcome with its reason. Nothing here decides anything:
it reruns the engine's own steps and reports them.
"""

from __future__ import annotations

from pydantic import BaseModel

from bot.core.engine import Decision, Engine
from bot.core.question import QuestionError
from bot.models import Answer
from bot.terminal import inline
from index.source_text import line_at


class Considered(BaseModel):
    """One window the ranking weighed."""

    source: str
    line: int
    score: float
    features: dict[str, float]
    quote: str
    set_aside: str = ""
    """Why the window, weighed by the ranking, is never quoted (`Engine.judged`): it is not
    the words of the party a "what did X say" asks about, not about the document subject
    the question names (bot/core/subjects.py), or not where the document a "what is X" asks
    about opens. Empty for a window that may answer."""


class Explanation(BaseModel):
    """How the question was read, what was weighed, and the outcome."""

    question: str
    mode: str
    terms: list[str]
    expects: str
    unknown_names: list[str]
    subject: dict[str, list[str]] = {}
    """Search terms that name what a document is about, each with the documents it names:
    the answer must come from them or from a passage holding the term."""
    unseen: list[str] = []
    """Search terms no source uses: the asker's own wording, which only a match on meaning can
    bridge (and a decline names them apart from the words the closest passage lacks)."""
    weights: dict[str, float] = {}
    """Each search term's weight in the share of the question a passage must hold (IDF in the
    sources times rarity in general English): why an everyday word missing costs little."""
    years: list[str]
    asks_for: list[str]
    considered: list[Considered]
    answerability: float | None = None
    """The best window's answer-or-decline score; it answers at `threshold` or above."""
    threshold: float | None = None
    settled: bool = False
    """The judged window opens the document the question asks about ("what is pytest"):
    the score does not judge it (`Engine.judged`)."""
    lead: str = ""
    """What the arbiter let lead (bot/core/arbiter.py): a fact card, a source's FAQ entry, or
    the quote windows, which may answer even where the windows' score would decline."""
    answer: Answer


def explain(engine: Engine, raw: str, shown: int = 5) -> Explanation:
    """The engine's reading of `raw`, its `shown` best windows and its answer."""
    mode = "semantic" if engine.semantic else "lexical"
    try:
        question = engine.parse(raw)
    except QuestionError:
        return Explanation(
            question=raw[:200], mode=mode, terms=[], expects="", unknown_names=[], years=[],
            asks_for=[], considered=[], answer=engine.ask(raw),
        )  # fmt: skip
    decision = engine.decide(question)
    evidence = decision.found
    considered = []
    score = threshold = None
    settled = False
    if evidence is not None and evidence.candidates:
        judged = engine.judged(question, evidence)
        for c in evidence.candidates[:shown]:
            text = engine.retriever.text(c.passage.source)
            considered.append(
                Considered(
                    source=c.passage.source,
                    line=line_at(text, c.start),
                    score=round(c.score, 3),
                    features={k: round(v, 3) for k, v in sorted(c.features.items())},
                    quote=engine.snippet_text(c)[:160],
                    set_aside=judged.aside.get(id(c), ""),
                )
            )
        if judged.note is None:  # with no window left, none was judged
            kept = judged.evidence
            best = kept.best
            model = engine.config.policy.answerability_of(kept)
            score = round(model.score(best, kept, engine.coverage(kept, best.pid)), 3)
            threshold = model.threshold
            settled = judged.settled
    return Explanation(
        lead=_lead(engine, decision),
        question=question.text,
        mode=mode,
        terms=list(question.terms),
        expects=question.kind.value,
        unknown_names=list(question.unknown),
        subject={t: sorted(engine.subjects.documents(t)) for t in question.subject},
        unseen=sorted(question.unseen),
        weights={t: round(w, 2) for t, w in evidence.weights.items()} if evidence else {},
        years=sorted(question.years),
        asks_for=sorted(kind.value for kind in question.asks),
        considered=considered,
        answerability=score,
        threshold=threshold,
        settled=settled,
        answer=engine.compose_answer(question, decision),
    )


def _lead(engine: Engine, decision: Decision) -> str:
    """The evidence the arbiter let lead, as a moderator would look it up."""
    lead = decision.verdict.lead
    if lead == "card" and decision.card is not None and decision.verdict.group is not None:
        group = decision.verdict.group
        period = f" ({group.period})" if group.period else ""
        least = engine.config.policy.card_min_score
        return (
            f"a fact card, “{group.measure}”{period}, match score {decision.card.score:g} "
            f"(a card leads from {least:g})"
        )
    if lead == "faq" and decision.faq is not None:
        entry = decision.faq
        asked = engine.retriever.text(entry.source)[entry.question.start : entry.question.end]
        return f"the FAQ entry “{asked}” ({entry.source} line {entry.line})"
    return "the quote windows"


def _weights(weights: dict[str, float]) -> str:
    return ", ".join(f"{t} {w:g}" for t, w in sorted(weights.items(), key=lambda x: -x[1]))


def render_explanation(e: Explanation) -> str:
    """The explanation as terminal text, names and quotes on one line each."""
    read = [
        f"Question: {inline(e.question)}  ({e.mode} mode)",
        f"  search terms: {' '.join(e.terms) or '(none)'}",
        f"  expects: {e.expects}"
        + (f"; asks for: {', '.join(e.asks_for)}" if e.asks_for else "")
        + (f"; years: {', '.join(e.years)}" if e.years else "")
        + (f"; names no source uses: {', '.join(e.unknown_names)}" if e.unknown_names else ""),
        *([f"  terms no source uses: {' '.join(e.unseen)}"] if e.unseen else []),
        *(
            f"  names the subject of: {term} → {', '.join(docs)}"
            for term, docs in e.subject.items()
        ),
        *([f"  weights (IDF × rarity in English): {_weights(e.weights)}"] if e.weights else []),
        "",
        "Best windows (score, then each feature):",
    ]
    for i, c in enumerate(e.considered, start=1):
        features = ", ".join(f"{k} {v:g}" for k, v in c.features.items())
        aside = f"  ({c.set_aside}: never quoted)" if c.set_aside else ""
        read += [
            f"  {i}. {c.score:.3f}  {inline(c.source)} line {c.line}: {inline(c.quote)}{aside}",
            f"     {features}",
        ]
    if not e.considered:
        read.append("  (none: no passage holds a word of the question)")
    read.append("")
    if e.answerability is not None:
        verdict = "passes" if e.answerability >= (e.threshold or 0.0) else "is below"
        judged = (
            "not judged: the window opens the document the question asks about"
            if e.settled
            else f"{verdict} the threshold {e.threshold:.3f}"
        )
        read.append(
            f"Answer-or-decline score of the best window: {e.answerability:.3f} ({judged}; "
            "rules that decline whatever the score apply first)"
        )
    if e.lead:
        read.append(f"Led by: {inline(e.lead)}")
    outcome = e.answer.status.replace("_", " ")
    read.append(f"Outcome: {outcome}" + (f": {inline(e.answer.note)}" if e.answer.note else ""))
    if e.answer.snippets:
        first = e.answer.snippets[0]
        read.append(f"  first quote: {inline(first.source)} line {first.line}")
    return "\n".join(read)
