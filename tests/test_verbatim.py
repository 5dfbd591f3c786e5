"""The invariant: every quote is `source_text[start:end]`, never chrome, with the right line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.engine import Engine
from bot.models import Answer
from index.analyzer import words
from tests.paths import SOURCES

_VOCAB = sorted(
    {w for p in SOURCES.glob("*.txt") for w in words(p.read_text(encoding="utf-8"))}
    | {"why", "who", "when", "how", "many", "population", "marathon", "zzz"}
)
_FRAMES = ["How many {}?", "Who {}?", "When did {}?", "Why {}?", "What {}?", "{}"]


def assert_verbatim_at(folder: Path, answer: Answer) -> None:
    """Every quote of `answer` is the text of its source file at its offsets."""
    for snippet in answer.snippets:
        text = (folder / snippet.source).read_text(encoding="utf-8")
        assert text[snippet.start : snippet.end] == snippet.quote


def assert_verbatim(answer: Answer, engine: Engine) -> None:
    for snippet in answer.snippets:
        text = (SOURCES / snippet.source).read_text(encoding="utf-8")
        assert text[snippet.start : snippet.end] == snippet.quote
        assert snippet.line == text.count("\n", 0, snippet.start) + 1
        chrome = engine.retriever.documents[snippet.source].chrome
        assert all(snippet.end <= c.start or snippet.start >= c.end for c in chrome)
        code_first = bool(snippet.code) and snippet.code[0][0] == 0
        assert snippet.quote == (snippet.quote.rstrip() if code_first else snippet.quote.strip())


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    frame=st.sampled_from(_FRAMES),
    picked=st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=8),
)
def test_every_quote_is_verbatim(engine: Engine, frame: str, picked: list[str]) -> None:
    answer = engine.ask(frame.format(" ".join(picked)))
    assert_verbatim(answer, engine)
    if answer.status == "no_answer":
        assert not answer.snippets and answer.note
    else:
        assert answer.snippets


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_text_gets_an_answer_object(engine: Engine, question: str) -> None:
    assert_verbatim(engine.ask(question), engine)
