"""End to end over generated sources: a folder of one generated document per format is
indexed by the project's own build (`bot.loader.load_engine`, as tests/test_verbatim.py does
for the seed sources), questions made of the documents' words are asked, and every quote must
be an exact span of its file (for HTML: the visible text of its file span, by lxml and by the
reader) that neither starts nor ends inside a code block, holds its code blocks whole and no
heading underline."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.loader import load_engine
from bot.models import Snippet
from index.readers import read_document
from index.readers.html_page import visible_text
from tests.readers.generated_documents import (
    WORDS,
    Generated,
    html_documents,
    markdown_documents,
    rst_documents,
    text_documents,
)
from tests.readers.html_oracle import span_text, words_of

_FRAMES = ["how do I {}?", "what is {}", "{}", "why does {} happen?", "can {} be used?"]
_VOCABULARY = frozenset(WORDS)


def questions_from(data: st.DataObject, texts: list[str], count: int) -> list[str]:
    """Questions made of a run of words one of the documents holds, in one of the ways
    members ask: most are answered, so most examples check quotes."""
    asked = []
    for _ in range(count):
        text = data.draw(st.sampled_from(texts))
        found = [w for w in re.findall(r"\w+", text.lower()) if w in _VOCABULARY] or WORDS
        start = data.draw(st.integers(0, len(found) - 1))
        run = found[start : start + data.draw(st.integers(1, 5))]
        asked.append(data.draw(st.sampled_from(_FRAMES)).format(" ".join(run)))
    return asked


def code_spans_in_file(name: str, text: str) -> list[tuple[int, int]]:
    """The file spans of the code blocks the reader found."""
    doc = read_document(name, text)
    spans = [(b.start, b.end) for b in doc.blocks if b.kind == "code"]
    if doc.reading is None:
        return spans
    return [doc.reading.file_span(s, e) for s, e in spans]


def assert_quote_exact(snippet: Snippet, text: str) -> None:
    markup = text[snippet.start : snippet.end]
    if snippet.source.endswith(".html"):
        assert visible_text(markup) == snippet.quote
        assert words_of(span_text(markup)) == words_of(snippet.quote)
    else:
        assert markup == snippet.quote


def assert_code_whole(snippet: Snippet, text: str) -> None:
    """No quote starts or ends strictly inside a code block; the code a quote says it holds
    (spans of the quote) is whole code blocks (for a file quoted as it is)."""
    code = code_spans_in_file(snippet.source, text)
    for start, end in code:
        assert not start < snippet.start < end, (snippet.quote, text[start:end])
        assert not start < snippet.end < end, (snippet.quote, text[start:end])
    if not snippet.source.endswith(".html"):
        held = {(snippet.start + s, snippet.start + e) for s, e in snippet.code}
        assert held <= set(code), (snippet.quote, snippet.code)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    markdown=markdown_documents(),
    rst=rst_documents(),
    plain=text_documents(),
    page=html_documents(),
    data=st.data(),
)
def test_every_quote_from_generated_sources_is_exact_and_keeps_code_whole(
    markdown: Generated, rst: Generated, plain: Generated, page: Generated, data: st.DataObject
) -> None:
    files = {"guide.md": markdown, "faq.rst": rst, "notes.txt": plain, "page.html": page}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "sources"
        folder.mkdir()
        for name, generated in files.items():
            (folder / name).write_text(generated.text, encoding="utf-8", newline="")
        engine, _ = load_engine(folder, Path(work) / "cache", semantic=False)
        texts = [generated.text for generated in files.values()]
        for question in questions_from(data, texts, 8):
            for snippet in engine.ask(question).snippets:
                generated = files[snippet.source]
                assert_quote_exact(snippet, generated.text)
                assert_code_whole(snippet, generated.text)
                for start, end in generated.underlines:
                    assert snippet.end <= start or snippet.start >= end, snippet.quote
