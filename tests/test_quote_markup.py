"""bot/quote_markup.py: a quote read into pieces (text, inline code, links, code blocks) by
its format's own inline markup, so a face can show code as code and a link's target without
passing the source's markup on."""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.quote_markup import Piece, pieces


def test_markdown_inline_code_and_a_link() -> None:
    quote = "Use `x.split()` and [the docs](https://docs.python.org/3/) now."
    assert pieces(quote, "markdown", []) == [
        Piece("text", "Use "),
        Piece("code", "x.split()"),
        Piece("text", " and "),
        Piece("link", "the docs", "https://docs.python.org/3/"),
        Piece("text", " now."),
    ]


def test_a_markdown_fence_is_a_block_with_its_language_and_without_its_fences() -> None:
    quote = "Run this:\n\n```python\nimport sqlite3\n    conn = None\n```"
    found = pieces(quote, "markdown", [(quote.index("```"), len(quote))])
    assert found[-1] == Piece("block", "import sqlite3\n    conn = None", "python")
    assert "".join(p.text for p in found[:-1]).strip() == "Run this:"


def test_a_tilde_fence_and_an_indented_block() -> None:
    quote = "~~~\nx = 1\n~~~"
    assert pieces(quote, "markdown", [(0, len(quote))]) == [Piece("block", "x = 1")]
    indented = "    a = 1\n    b = 2"
    assert pieces(indented, "markdown", [(0, len(indented))]) == [Piece("block", "a = 1\nb = 2")]


def test_rst_roles_literals_and_links_read_as_their_text() -> None:
    quote = "Call :meth:`~discord.User.send` or ``user.send()``; see `the docs <https://x.org>`_."
    assert pieces(quote, "rst", []) == [
        Piece("text", "Call "),
        Piece("code", "send"),
        Piece("text", " or "),
        Piece("code", "user.send()"),
        Piece("text", "; see "),
        Piece("link", "the docs", "https://x.org"),
        Piece("text", "."),
    ]


def test_an_rst_literal_block_is_a_block_dedented() -> None:
    quote = "Do it like this::\n\n    for x in y:\n        print(x)"
    code = quote.index("    for")
    found = pieces(quote, "rst", [(code, len(quote))])
    assert found[-1] == Piece("block", "for x in y:\n    print(x)")
    assert "".join(p.text for p in found[:-1]).strip() == "Do it like this:"


@given(st.text(max_size=200), st.sampled_from(["text", "html"]))
def test_plain_text_and_a_pages_visible_text_are_one_text_piece_as_they_are(
    quote: str, fmt: str
) -> None:
    """Backticks and brackets in a news page or a page's visible text are not markup."""
    assert pieces(quote, fmt, []) == ([Piece("text", quote)] if quote else [])


@settings(max_examples=300)
@given(st.text(alphabet="ab `*[]()_\n:<>#\\", max_size=120))
@example("[](a)")  # found by CI: a link without text lost its target
def test_markdown_pieces_never_raise_and_lose_no_letter(quote: str) -> None:
    """Markup goes, words stay: every letter of the quote is in a piece's text or a link's
    target (an autolink shows its address as both)."""
    found = pieces(quote, "markdown", [])
    assert all(p.text for p in found)
    shown = Counter(c for p in found for c in p.text + (p.target or "") if c.isalpha())
    assert Counter(c for c in quote if c.isalpha()) <= shown
