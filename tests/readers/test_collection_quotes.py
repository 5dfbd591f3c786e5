"""The quote invariants over the real collections in ../shared/corpora (issue 18's proof): each
collection is indexed as a user would (`load_engine` over its docs folder), asked its own eval
set and a sample of the other two, and no quote may hold front matter, an unbalanced code
fence, a line that is only underline punctuation, or HTML markup; every quote is verbatim at
its offsets (for an HTML page, the visible text of its file span, by the reader and by lxml).

The checks read the quote and the file, never the engine's internals, and hold for any answer:
no question's answer is written down here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from bot.core.engine import Engine
from bot.evaluate import load_eval
from bot.loader import load_engine
from bot.models import Snippet
from index.readers.html_page import visible_text
from tests.readers.block_checks import UNDERLINE_ONLY
from tests.readers.html_oracle import span_text, words_of
from tests.test_eval_sets import EVAL, docs_folder

SETS = ("python-faq.jsonl", "pydis-guides.jsonl", "sqlite-docs.jsonl")
_SAMPLE_EVERY = 3  # of the other collections' questions, every third
_FENCE_LINE = re.compile(r"^ {0,3}(?:`{3,}|~{3,})", re.M)
_YAML_BLOCK = re.compile(r"^---[ \t]*\r?\n[ \t]*[\w-]+[ \t]*:", re.M)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?=[\s/>])")
_SHOWN_LT = re.compile(r"&(?:lt;?|#0*60;?|#x0*3c;?)", re.I)
_RAW_DIRECTIVE = re.compile(r"^\s*\.\. raw::", re.M)
_MARKDOWN = MarkdownIt("commonmark")


def questions_for(own: str) -> list[str]:
    asked = [item.question for item in load_eval(EVAL / own)]
    for other in SETS:
        if other != own:
            asked += [item.question for item in load_eval(EVAL / other)][::_SAMPLE_EVERY]
    return asked


@pytest.fixture(scope="module", params=SETS)
def collection(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path, Engine]:
    folder = docs_folder(request.param)
    engine, _ = load_engine(folder, tmp_path_factory.mktemp("cache"), semantic=False)
    return request.param, folder, engine


def outside_code(snippet: Snippet) -> str:
    """The quote with its code blocks cut out (a code block may show any text)."""
    quote = snippet.quote
    for start, end in sorted(snippet.code, reverse=True):
        quote = quote[:start] + "\n" + quote[end:]
    return quote


_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.I)


def markdown_html(text: str) -> list[str]:
    """Raw HTML that CommonMark finds in `text`: blocks and inline tags."""
    found = []
    for token in _MARKDOWN.parse(text):
        if token.type == "html_block":
            found.append(token.content.strip())
        for child in token.children or []:
            if child.type == "html_inline" and not _LINE_BREAK_TAG.fullmatch(child.content):
                found.append(child.content)  # a `<br>` is the paragraph's own line break
    return found


def problems(snippet: Snippet, text: str) -> list[str]:
    """What is wrong with one quote of the file whose text is `text`."""
    found = []
    quote, markup = snippet.quote, text[snippet.start : snippet.end]
    if snippet.source.endswith((".html", ".htm")):
        # The span read alone may differ from the page in whitespace only: in `</ul>)^` read
        # without the `<ul>` opened before the span, the end tag is stray and ends no block (a
        # browser ignores it too). Every visible character must agree, and lxml's words.
        shown = visible_text(markup)
        if shown.split() != quote.split() or words_of(span_text(markup)) != words_of(quote):
            found.append("not the visible text of its file span")
        if len(_TAG.findall(quote)) > len(_SHOWN_LT.findall(markup)):
            found.append("HTML markup")
        return found
    if markup != quote:
        found.append("not the file's text at its offsets")
    front = _FRONT_MATTER.match(text)
    if (front and snippet.start < front.end()) or _YAML_BLOCK.search(quote):
        found.append("front matter")
    if len(_FENCE_LINE.findall(quote)) % 2:
        found.append("an unbalanced code fence")
    plain = outside_code(snippet)
    if UNDERLINE_ONLY.search(plain):
        found.append("a line of underline punctuation")
    if snippet.source.endswith((".md", ".markdown")) and markdown_html(plain):
        found.append(f"HTML markup {markdown_html(plain)}")
    if _RAW_DIRECTIVE.search(plain):
        found.append("a raw directive")
    return found


def test_quotes_from_real_collections_hold_only_content(
    collection: tuple[str, Path, Engine],
) -> None:
    name, folder, engine = collection
    texts: dict[str, str] = {}
    bad = []
    quoted = 0
    for question in questions_for(name):
        for snippet in engine.ask(question).snippets:
            quoted += 1
            if snippet.source not in texts:
                texts[snippet.source] = (folder / snippet.source).read_text(encoding="utf-8")
            for problem in problems(snippet, texts[snippet.source]):
                bad.append(f"{snippet.source}:{snippet.line}: {problem}: {snippet.quote!r}")
    assert quoted >= 20, "too few quotes to check: did the collection index?"
    assert bad == []


def _snippet(
    source: str, text: str, quote: str, code: list[tuple[int, int]] | None = None
) -> Snippet:
    start = text.index(quote)
    return Snippet(
        quote=quote,
        source=source,
        start=start,
        end=start + len(quote),
        title="t",
        publisher=None,
        date=None,
        score=1.0,
        line=1,
        code=code or [],
    )


@pytest.mark.parametrize(
    ("source", "text", "quote", "problem"),
    [
        ("a.md", "---\ntitle: X\n---\n\nBody.\n", "---\ntitle: X\n---\n\nBody.", "front matter"),
        ("a.md", "Run:\n\n```\npip install x\n```\n", "Run:\n\n```\npip install x", "fence"),
        ("a.rst", "Title\n=====\n\nBody.\n", "Title\n=====\n\nBody.", "underline"),
        ("a.md", "Click <kbd>Clone</kbd>.\nDone.\n", "Click <kbd>Clone</kbd>.", "HTML markup"),
        ("a.html", "<p>Say <b>hi</b> now.</p>", "Say <b>hi</b> now.", "HTML markup"),
        ("a.rst", "Text.\n\n.. raw:: html\n\n   <hr>\n", "Text.\n\n.. raw:: html", "raw"),
    ],
)
def test_each_check_finds_what_it_looks_for(
    source: str, text: str, quote: str, problem: str
) -> None:
    assert any(problem in found for found in problems(_snippet(source, text, quote), text))


def test_code_may_show_any_text_and_a_shown_angle_bracket_is_no_markup() -> None:
    text = "Set:\n\n```\n<br>\n=====\n```\n"
    fenced = text[text.index("```") : text.rindex("```") + 3]
    quote = f"Set:\n\n{fenced}"
    assert problems(_snippet("a.md", text, quote, [(6, len(quote))]), text) == []
    page = "<p>if a &lt;b and c</p>"
    assert problems(_snippet("a.html", page, "if a &lt;b and c"), page) == [
        "not the visible text of its file span"
    ]
    snippet = _snippet("a.html", page, "if a &lt;b and c").model_copy(
        update={"quote": "if a <b and c"}
    )
    assert problems(snippet, page) == []
