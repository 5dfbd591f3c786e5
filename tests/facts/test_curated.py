"""The curated facts file: valid entries become facts; each kind of mistake stops the build
with the file, the line and what is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.facts.curated import load_curated
from index.errors import DataFileError
from index.file_states import hashed_state
from index.ingest import quotable_text
from index.models import Chrome
from index.source_text import ReadSource, Text, line_at

from .corpus import FACTS, REPORT

TEXTS = {"report.txt": REPORT}
ENTRY = FACTS.split("\n\n")[0] + "\n"  # one valid entry, eight lines long


def load(tmp_path: Path, body: str, chrome: dict[str, list[Chrome]] | None = None) -> list:
    path = tmp_path / "facts.toml"
    path.write_text(body, encoding="utf-8")
    facts, warnings = load_curated(path, TEXTS, chrome)
    assert warnings == []
    return facts


def error(tmp_path: Path, body: str, chrome: dict[str, list[Chrome]] | None = None):
    with pytest.raises(DataFileError) as caught:
        load(tmp_path, body, chrome)
    assert caught.value.path == tmp_path / "facts.toml"
    return caught.value


def test_valid_entries_become_verbatim_facts_with_numbers(tmp_path: Path) -> None:
    facts = load(tmp_path, FACTS)
    assert len(facts) == tomllib.loads(FACTS)["fact"].__len__()
    for fact in facts:
        assert REPORT[fact.start : fact.end] == fact.quote
        assert fact.value in fact.quote
        assert fact.line == REPORT.count("\n", 0, fact.start) + 1
    by_value = {f.value: f for f in facts}
    assert (by_value["more than 12"].number, by_value["more than 12"].qualifier) == (
        12,
        "more than",
    )
    assert by_value["Ann Smith"].number is None
    assert by_value["Ann Smith"].aliases == ["who leads the police"]


def test_missing_file_means_no_curated_facts(tmp_path: Path) -> None:
    assert load_curated(tmp_path / "absent.toml", TEXTS) == ([], [])


def test_invalid_toml_names_its_line(tmp_path: Path) -> None:
    err = error(tmp_path, ENTRY + 'note = "unterminated\n')
    assert err.line == 9
    assert "invalid TOML" in err.problem


def test_unknown_table_is_refused(tmp_path: Path) -> None:
    err = error(tmp_path, "\n" + ENTRY.replace("[[fact]]", "[[facts]]"))
    assert err.line == 2
    assert "unknown table 'facts': use [[fact]]" in err.problem


def test_missing_field_names_the_entry(tmp_path: Path) -> None:
    body = ENTRY + "\n" + ENTRY.replace('claimed_by = "Police (Chief Ann Smith)"\n', "")
    err = error(tmp_path, body)
    assert err.line == 10
    assert err.problem == "fact 2: missing field 'claimed_by'"


def test_unknown_field_names_its_line(tmp_path: Path) -> None:
    err = error(tmp_path, ENTRY.replace('value = "15"', 'value = "15"\nvalu = "16"'))
    assert err.line == 6
    assert "fact 1: unknown field 'valu'" in err.problem


def test_empty_field_names_its_line(tmp_path: Path) -> None:
    err = error(tmp_path, ENTRY.replace('subject = "Police department"', 'subject = "  "'))
    assert err.line == 2
    assert err.problem == "fact 1: field 'subject' is empty"


def test_wrong_type_names_its_line(tmp_path: Path) -> None:
    err = error(tmp_path, ENTRY.replace('period = "2024"', "period = 2024"))
    assert err.line == 4
    assert "fact 1: field 'period'" in err.problem
    assert "string" in err.problem


def test_unknown_source_lists_the_sources(tmp_path: Path) -> None:
    err = error(tmp_path, ENTRY.replace('source = "report.txt"', 'source = "reprot.txt"'))
    assert err.line == 7
    assert err.problem == "fact 1: no source named 'reprot.txt' (sources: report.txt)"


def test_quote_not_verbatim_shows_the_closest_passage(tmp_path: Path) -> None:
    body = ENTRY.replace("received 15 detainer", "got 15 detainer")
    err = error(tmp_path, body)
    assert err.line == 8
    assert "quote not found verbatim in report.txt; closest passage (line 3," in err.problem
    assert "received 15 detainer requests in 2024, Chief Ann Smith said" in err.problem


def test_a_quote_wrong_at_its_start_is_placed_by_its_end(tmp_path: Path) -> None:
    body = ENTRY.replace("The police department received", "Police headquarters received")
    problem = error(tmp_path, body).problem
    assert "closest passage (line 3, 90% alike): “The police department received 15" in problem
    assert problem.endswith(
        "the quote's last 61 characters are verbatim, from line 3; "
        "before, it reads “Police headquarters”"
    )


def test_quote_in_page_chrome_is_refused(tmp_path: Path) -> None:
    start = REPORT.index("The police department received 15")
    chrome = {"report.txt": [Chrome(start=start, end=start + 10, kind="navigation")]}
    err = error(tmp_path, ENTRY, chrome)
    assert err.line == 8
    assert err.problem == "fact 1: quote lies in page chrome (navigation), never quoted"


def test_value_must_be_in_its_quote(tmp_path: Path) -> None:
    err = error(tmp_path, ENTRY.replace('value = "15"', 'value = "16"'))
    assert err.line == 5
    assert err.problem == "fact 1: value '16' does not appear in the quote"


def test_duplicate_entry_names_both_lines(tmp_path: Path) -> None:
    body = ENTRY + "\n" + ENTRY.replace("Police department", "police   DEPARTMENT")
    err = error(tmp_path, body)
    assert err.line == 10
    assert err.problem == (
        "fact 2 duplicates the fact at line 1 "
        "(same claim, by the same claimant, from the same quote)"
    )


def test_same_claim_from_another_quote_is_not_a_duplicate(tmp_path: Path) -> None:
    other = ENTRY.replace(
        "The police department received 15 detainer requests in 2024, Chief Ann Smith said.",
        "Police said the 15 requests it received last year were all declined.",
    )
    assert len(load(tmp_path, ENTRY + "\n" + other)) == 2


def test_facts_that_are_not_tables_are_refused(tmp_path: Path) -> None:
    err = error(tmp_path, 'fact = ["15 requests"]\n')
    assert err.problem == "fact 1: not a table: write each fact as a [[fact]] table"


def test_a_quoted_key_is_found_on_its_line(tmp_path: Path) -> None:
    err = error(tmp_path, "\n\n" + ENTRY.replace('value = "15"', '"value" = "16"'))
    assert err.line == 7
    assert "value '16' does not appear in the quote" in err.problem


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "facts.toml"
    path.write_bytes(ENTRY.encode() + b'note = "caf\xe9"\n')
    with pytest.raises(DataFileError) as caught:
        load_curated(path, TEXTS)
    assert (caught.value.line, "UTF-8" in caught.value.problem) == (9, True)


# An HTML page: its quotes are in its visible text, their lines are the file's --------------

PAGE = (
    "<!doctype html>\n<html>\n<head>\n<title>Harbor</title>\n<style>\np { color: red }\n"
    "</style>\n</head>\n<body>\n<h1>Harbor Notes</h1>\n<p>The harbor master\n"
    "counted 31 sailboats in June.</p>\n<p>Ferries ran hourly.</p>\n</body>\n</html>\n"
)
PAGE_ENTRY = (
    '[[fact]]\nsubject = "Harbor"\nmeasure = "sailboats counted"\nvalue = "31"\n'
    'claimed_by = "The harbor master"\nsource = "page.html"\n'
    'quote = "The harbor master counted 31 sailboats in June."\n'
)


def page_text(tmp_path: Path, form: str) -> Text:
    """The page's text as a build quotes it (read whole) or a loaded index does (read from
    its file when first quoted)."""
    if form == "built":
        return quotable_text("page.html", PAGE)
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    return ReadSource(page, hashed_state(page), lambda text: quotable_text("page.html", text))


@pytest.mark.parametrize("form", ["built", "loaded"])
def test_a_fact_from_a_page_is_on_its_quotes_file_line(tmp_path: Path, form: str) -> None:
    """The line of the file, as table facts and snippets give it: not of the visible text."""
    text = page_text(tmp_path, form)
    (tmp_path / "facts.toml").write_text(PAGE_ENTRY, encoding="utf-8")
    [fact], _ = load_curated(tmp_path / "facts.toml", {"page.html": text})
    assert text[fact.start : fact.end] == fact.quote
    assert fact.line == line_at(text, fact.start) == 11  # `<p>The harbor master`
    assert str(text).count("\n", 0, fact.start) + 1 == 3  # its line in the visible text


@pytest.mark.parametrize("form", ["built", "loaded"])
def test_the_closest_passage_in_a_page_names_its_file_line(tmp_path: Path, form: str) -> None:
    text = page_text(tmp_path, form)
    (tmp_path / "facts.toml").write_text(PAGE_ENTRY.replace("31 sailboats", "32 sailboats"))
    with pytest.raises(DataFileError) as caught:
        load_curated(tmp_path / "facts.toml", {"page.html": text})
    problem = caught.value.problem
    assert "quote not found verbatim in page.html; closest passage (line 11," in problem, problem
    assert "verbatim, to line 12; then it reads “2 sailboats" in problem, problem


# Bounded work: a big book or a long missing quote must not take minutes --------------------

LEDGER = "Ledger\n\n" + "".join(
    f"Clerk {i} logged {i * 7 % 1000} crates of item {i * 31 % 977} on day {i % 28 + 1}.\n"
    for i in range(3000)
)


def ledger_entry(i: int, quote: str) -> str:
    return (
        f'[[fact]]\nsubject = "Clerk {i}"\nmeasure = "crates"\nvalue = "crates"\n'
        f'claimed_by = "Ledger"\nsource = "ledger.txt"\nquote = "{quote}"\n\n'
    )


def test_a_big_book_counts_its_lines_once(tmp_path: Path, line_break_counts: list[int]) -> None:
    """Every entry's line and every quote's line, for 2,000 entries, cost one count over the
    file and none over the source: finding each from the top of the file made loading
    quadratic in the number of entries (issue 21)."""
    lines = LEDGER.splitlines()
    body = "".join(ledger_entry(i, lines[i + 2]) for i in range(2000))
    path = tmp_path / "facts.toml"
    path.write_text(body)
    facts, _ = load_curated(path, {"ledger.txt": LEDGER})
    assert [f.line for f in facts] == list(range(3, 2003))
    assert sum(line_break_counts) <= len(body)


def test_a_long_quote_with_one_slip_is_placed_at_the_slip(tmp_path: Path) -> None:
    start = LEDGER.index("Clerk 100 ")
    quote = LEDGER[start : LEDGER.index("Clerk 2900 ")]
    slip = quote.index("crates", len(quote) // 2)
    quote = quote[:slip] + "barrels" + quote[slip + len("crates") :]
    (tmp_path / "facts.toml").write_text(ledger_entry(0, quote.replace("\n", "\\n")))
    with pytest.raises(DataFileError) as caught:
        load_curated(tmp_path / "facts.toml", {"ledger.txt": LEDGER})
    line = LEDGER.count("\n", 0, start + slip) + 1
    problem = caught.value.problem
    assert "closest passage (line " in problem and "99% alike" in problem, problem
    assert (
        f"the quote's first {slip:,} characters are verbatim, to line {line}; "
        "then it reads “barrels of item"
    ) in problem
    shown = problem.split("“", 1)[1].split("”", 1)[0]
    assert LEDGER[start + slip - 20 : start + slip + len("crates of item")] in shown


def test_the_edit_distance_search_never_gets_a_whole_long_quote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The closest text to a missing quote is found by bounded edit distances: an edit distance
    over the whole quote against the whole source grew with their product (a 200 kB quote
    missing from a 2 MB source, issue 21)."""
    from rapidfuzz import fuzz

    sizes: list[int] = []
    for name in ("ratio", "partial_ratio_alignment"):
        real = getattr(fuzz, name)

        def bounded(a: str, b: str, *args: object, real=real, **kwargs: object) -> object:
            sizes.append(min(len(a), len(b)))
            return real(a, b, *args, **kwargs)

        monkeypatch.setattr(fuzz, name, bounded)
    words = " ".join(f"zebra{i}" for i in range(1500))  # nowhere in the ledger: no anchor
    start = LEDGER.index("Clerk 100 ")
    slipped = LEDGER[start : start + 20_000].replace("crates", "barrels", 1).replace("\n", "\\n")
    for quote in (words, slipped):
        (tmp_path / "facts.toml").write_text(ledger_entry(0, quote))
        with pytest.raises(DataFileError, match="quote not found verbatim"):
            load_curated(tmp_path / "facts.toml", {"ledger.txt": LEDGER})
    assert sizes and max(sizes) <= 1000, sizes
