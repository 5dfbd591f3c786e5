"""Line breaks of every kind, which offsets are reported (BOM, CRLF), normalised analysis that
leaves offsets alone, and source text that a terminal would act on made inert."""

from __future__ import annotations

import io
import json
import re
import sys
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import index.analyzer as analyzer
from bot.cli import main
from bot.core.engine import Engine
from bot.loader import load_engine
from bot.models import Answer
from bot.render_text import render_answer
from bot.terminal import inline, printable
from index.analyzer import FORMAT_CHARACTERS, analyzer_version, normalize, words
from index.ingest import ingest, read_sources
from index.layout import line_of_offset, split_lines
from index.unsafe_text import toml_string

MakeSources = Callable[[dict[str, str | bytes]], Path]
BODY = ["Depot Notes", "", "The depot opened in 1911.", "", "It held 70 wagons by 1920."]
WAGONS = "How many wagons did the depot hold in 1920?"

# Line breaks ---------------------------------------------------------------------------


def test_a_lone_cr_ends_a_line_as_crlf_and_lf_do() -> None:
    text = "one\rtwo\r\nthree\nfour\r\r\nfive"
    lines = split_lines(text)
    assert [ln.text for ln in lines] == ["one", "two", "three", "four", "", "five"]
    assert [text[ln.start : ln.end] for ln in lines] == [ln.text for ln in lines]
    assert [ln.number for ln in lines] == [1, 2, 3, 4, 5, 6]


@given(st.text(alphabet="ab \r\n", max_size=40))
def test_line_of_offset_agrees_with_split_lines(text: str) -> None:
    for line in split_lines(text):
        for offset in range(line.start, line.end + 1):
            assert line_of_offset(text, offset) == line.number


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_quotes_are_cited_at_their_line_whatever_the_line_breaks(
    make_sources: MakeSources, newline: str
) -> None:
    text = newline.join(BODY) + newline
    folder = make_sources({"depot.txt": text.encode()})
    engine, _ = load_engine(folder)
    answer = engine.ask(WAGONS)
    assert answer.status == "answered"
    for snippet in answer.snippets:
        assert text[snippet.start : snippet.end] == snippet.quote
        assert snippet.line == len(re.findall(r"\r\n|\r|\n", text[: snippet.start])) + 1
    (doc,) = ingest(read_sources(folder)).documents
    lines = [s.line for p in doc.passages for s in p.sentences]
    assert lines == [3, 5]


# Which offsets: the text decoded from UTF-8, nothing stripped or translated -----------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-BOM", "BOM"])
def test_offsets_index_the_bytes_decoded_as_utf8_without_newline_translation(
    make_sources: MakeSources, bom: bytes
) -> None:
    """README, Adding documents: what `start`/`end` index, and what a reader must do."""
    raw = bom + "\r\n".join(BODY).encode() + b"\r\n"
    folder = make_sources({"depot.txt": raw})
    engine, _ = load_engine(folder)
    (snippet, *_) = engine.ask(WAGONS).snippets
    as_the_code_reads_it = raw.decode("utf-8")
    assert as_the_code_reads_it.startswith("\ufeff") == bool(bom), "a BOM is kept, as U+FEFF"
    assert "\ufeff" not in snippet.quote and snippet.title == "Depot Notes", "but not content"
    assert as_the_code_reads_it[snippet.start : snippet.end] == snippet.quote
    with open(folder / "depot.txt", encoding="utf-8", newline="") as f:
        assert f.read()[snippet.start : snippet.end] == snippet.quote
    # Python's default open() translates "\r\n" to "\n": every offset after the first line
    # break moves, so the quote is not at its offsets in that text.
    with open(folder / "depot.txt", encoding="utf-8") as f:
        translated = f.read()
    assert translated[snippet.start : snippet.end] != snippet.quote
    assert snippet.quote.replace("\r\n", "\n") in translated
    # "utf-8-sig" strips the BOM: offsets move by one where there was one.
    stripped = raw.decode("utf-8-sig")
    shift = len(bom) and 1
    assert stripped[snippet.start - shift : snippet.end - shift] == snippet.quote


# Normalised analysis -------------------------------------------------------------------------


def test_format_characters_are_every_cf_character_of_this_python() -> None:
    every_cf = "".join(
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    )
    assert FORMAT_CHARACTERS.sub("", every_cf) == ""
    others = "".join(chr(c) for c in range(0x3000) if unicodedata.category(chr(c)) != "Cf")
    assert FORMAT_CHARACTERS.sub("", others) == others


@pytest.mark.parametrize(
    "variant",
    [
        "How many de\u00adtainer requests did Boston police ignore in 2025?",
        "How many detai\u200bner requests did Boston police ignore in 2025?",
        "How many ｄｅｔａｉｎｅｒ requests did Boston police ignore in 2025?",
        "How many detainer requests did Boston police ignore in ２０２５?",
    ],
    ids=["soft-hyphen", "zero-width-space", "fullwidth-word", "fullwidth-digits"],
)
def test_a_question_is_normalised_as_the_index_is(engine: Engine, variant: str) -> None:
    plain = engine.ask("How many detainer requests did Boston police ignore in 2025?")
    answer = engine.ask(variant)
    assert answer.status == plain.status == "answered"
    assert answer.snippets == plain.snippets


def test_a_word_broken_by_invisible_characters_in_a_source_is_found_and_quoted_as_is(
    make_sources: MakeSources,
) -> None:
    text = "Depot Notes\n\nThe depot logged 44 de\u00adtainer requests and 9 con\u200btainers.\n"
    engine, _ = load_engine(make_sources({"d.txt": text}))
    for question in ("How many detainer requests?", "How many containers?"):
        answer = engine.ask(question)
        assert answer.status == "answered", question
        (snippet, *_) = answer.snippets
        assert text[snippet.start : snippet.end] == snippet.quote
        assert "\u00ad" in snippet.quote and "\u200b" in snippet.quote, "quoted verbatim"


@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert words(once) == words(text)


def test_the_analyzer_version_follows_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    """No version to bump by hand: the fingerprint runs a probe through the analysis."""
    current = analyzer_version()
    monkeypatch.setattr(analyzer, "normalize", lambda text: text)
    assert analyzer_version() != current


# Hostile text stays inert in the terminal -----------------------------------------------------

TRAP = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. " + TRAP + " Ferries ran.\n"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@given(st.text())
def test_printable_leaves_no_control_but_newline_and_tab_and_is_idempotent(text: str) -> None:
    shown = printable(text)
    assert not RAW_CONTROL.search(shown)
    assert printable(shown) == shown
    assert shown.count("\n") == text.count("\n") and shown.count("\t") == text.count("\t")


def test_ask_text_shows_escapes_visibly_and_json_keeps_them_exact(
    make_sources: MakeSources, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    question = "How many sailboats did the harbor master count?"
    assert main(["--sources", str(folder), "ask", question]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROL.search(out)
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202e" in out
    assert main(["--sources", str(folder), "ask", question, "--json"]) == 0
    (snippet, *_) = Answer.model_validate(json.loads(capsys.readouterr().out)).snippets
    assert TRAP in snippet.quote and DOC[snippet.start : snippet.end] == snippet.quote


def test_a_cr_in_a_quote_is_a_line_break_on_screen(engine: Engine) -> None:
    answer = engine.ask("How many detainer requests did Boston police ignore in 2025?")
    snippet = answer.snippets[0]
    crafted = answer.model_copy(
        update={"snippets": [snippet.model_copy(update={"quote": "first\rsecond\x1b"})]}
    )
    shown = render_answer(crafted)
    assert "  > first\n  > second\\x1b" in shown and "\r" not in shown


def test_fact_cards_titles_and_warnings_are_inert(
    make_sources: MakeSources,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = make_sources(
        {
            "a.txt": DOC,
            "\x1b[2Jbad.txt": b"\xff",
            "sources.toml": '[[source]]\nfile = "a.txt"\ntitle = "H\\u001b[2J"\n',
            "facts.toml": (
                '[[fact]]\nsubject = "Harbor"\nmeasure = "sailboats"\nvalue = "31"\n'
                'claimed_by = "HM\\u009b1m"\nsource = "a.txt"\n'
                f'quote = "The harbor master counted 31 sailboats in June. {TRAP}"\n'
            )
            .replace("\x1b", "\\u001b")
            .replace("\x07", "\\u0007")
            .replace("\x9b", "\\u009b"),
        }
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("How many sailboats?\n\n"))
    for argv in (["fact", "sailboats"], ["sources"], ["chat"]):
        assert main(["--sources", str(folder), *argv]) == 0
        out, err = capsys.readouterr()
        assert not RAW_CONTROL.search(out) and not RAW_CONTROL.search(err), argv
        assert "\\x1b[2Jbad.txt" in err


@given(st.text())
def test_inline_leaves_no_control_at_all_and_is_idempotent(text: str) -> None:
    shown = inline(text)
    assert not RAW_CONTROL.search(shown) and not re.search(r"[\n\t\u2028\u2029]", shown)
    assert inline(shown) == shown and printable(shown) == shown


def test_a_line_break_in_a_name_or_title_never_starts_a_line(
    make_sources: MakeSources,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file name or title holding a newline would print a line of its own: a fake answer,
    citation or warning. Names and titles are shown on their line, the break as `\\x0a`."""
    fake = "\nFAKE line"
    folder = make_sources(
        {
            "a.txt": DOC.replace(TRAP, ""),
            f"zoo{fake}.md": "Zoo Notes\n\nThe zoo had 12 zebras.\n",
            f"bad{fake}.txt": b"\xff",
            "sources.toml": '[[source]]\nfile = "a.txt"\ntitle = "Harbor\\nFAKE line"\n',
            "facts.toml": (
                '[[fact]]\nsubject = "Harbor"\nmeasure = "sailboats"\nvalue = "31"\n'
                'claimed_by = "HM\\nFAKE line"\nsource = "a.txt"\n'
                'quote = "The harbor master counted 31 sailboats in June."\n'
            ),
        }
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("How many zebras?\n\n"))
    for argv in (
        ["ask", "How many sailboats did the harbor master count?"],
        ["fact", "sailboats"],
        ["sources"],
        ["chat"],
        ["facts", "suggest"],
    ):
        assert main(["--sources", str(folder), *argv]) == 0
        out, err = capsys.readouterr()
        assert "\nFAKE" not in out and "\nFAKE" not in err, argv
        assert "\\x0aFAKE line" in out and "\\x0aFAKE line" in err, argv


@given(st.text())
def test_suggestedtoml_strings_read_back_exactly_and_stay_inert(text: str) -> None:
    written = toml_string(text)
    assert tomllib.loads(f"x = {written}")["x"] == text
    assert not RAW_CONTROL.search(written)
