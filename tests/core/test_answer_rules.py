"""Issue 9's rules checked over every question of the project's evaluation sets, in both modes.

The unit tests in test_compose.py pin each rule on a corpus written for it; this file checks
that the rules hold for the 127 questions worded as users word them (answerable, paraphrased,
unanswerable), over the real sources: no quote is a question, no two quotes of one source
carry the same figure, the fact card lists no claim twice, no two quotes overlap, and
every quote is verbatim at its offsets and line.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from bot.core.engine import Engine
from bot.core.figures import find_figures
from bot.facts.claims import claim_key
from bot.models import Answer
from index.layout import line_of_offset
from tests.paths import ROOT, SOURCES

SETS = ("questions.jsonl", "eval/paraphrases.jsonl", "eval/unanswerable.jsonl")
QUESTIONS = [
    json.loads(line)["question"]
    for name in SETS
    for line in (ROOT / "tests" / name).read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@cache
def source_text(name: str) -> str:
    return (SOURCES / name).read_text(encoding="utf-8")


def figures(quote: str) -> set[tuple[float | str, str | None]]:
    return {claim_key(f.text) for f in find_figures(quote)}


def check(answer: Answer) -> None:
    snippets = answer.snippets
    for s in snippets:
        text = source_text(s.source)
        assert text[s.start : s.end] == s.quote
        assert line_of_offset(text, s.start) == s.line
        assert not s.quote.rstrip().endswith("?"), f"a question quoted: {s.quote!r}"
    for group in answer.quotes():
        # One sentence carrying two parties' figures: one quote, a claim for each figure.
        assert len({claim_key(s.value or "") for s in group}) == len(group), group
    quotes = [group[0] for group in answer.quotes()]
    for i, a in enumerate(quotes):
        for b in quotes[i + 1 :]:
            if a.source == b.source:
                assert not figures(a.quote) & figures(b.quote), (a.quote, b.quote)
    card = answer.facts.facts if answer.facts else []
    claims = [(claim_key(f.value), f.source) for f in card]
    assert len(claims) == len(set(claims)), f"a card claim listed twice: {claims}"
    for f in card:
        assert source_text(f.source)[f.start : f.end] == f.quote
    for i, a in enumerate(quotes):
        for b in quotes[i + 1 :]:
            apart = a.source != b.source or a.end <= b.start or b.end <= a.start
            assert apart, f"quoted twice: {a.quote!r}"


@pytest.mark.parametrize("question", QUESTIONS)
def test_lexical_answers_keep_the_rules(engine: Engine, question: str) -> None:
    check(engine.ask(question))


@pytest.mark.parametrize("question", QUESTIONS)
def test_semantic_answers_keep_the_rules(semantic_engine: Engine, question: str) -> None:
    check(semantic_engine.ask(question))
