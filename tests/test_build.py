"""The build's shortcuts give exactly what the plain code gives: the memoized analyzer, the
photo-credit regex's pre-check, the acronym miners' faster regexes, the term rows and postings
made from flat term ids."""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index import builder, sentences
from index.analyzer import (
    _ACRONYM,
    _CAPITALISED_RUN,
    _CAPS,
    Analyzer,
    acronym_matches,
    code_tokens,
    mine_acronyms,
    mine_initialisms,
    normalize,
    stem,
    words,
)
from index.builder import TokenIds, Vocabulary, batch_ids, with_acronyms
from index.ingest import SourceSet, ingest, read_sources
from index.layout import _PHOTO_CREDIT, Line, photo_credit_start, split_lines
from index.scorer import BM25Index
from index.search import Retriever, analyze_passages, build_analyzer
from index.sentence_terms import TERM_ROW_PARTS, term_rows
from index.sentences import split_sentences, strip_span
from index.store import build_index
from tests.paths import SOURCES

TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.md"))] + [
    p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt"))
]
ACRONYMS = {**mine_initialisms(TEXTS), **mine_acronyms(TEXTS)}


def plain_terms(analyzer: Analyzer, text: str) -> list[str]:
    """Analysis token by token, no memo and no shortcut: what `Analyzer.terms` must equal."""
    terms = stem(words(text)) + code_tokens(normalize(text))
    found: Counter[str] = Counter()
    for i in range(len(terms)):
        for acronym, long_stems in analyzer.acronyms.items():
            if tuple(terms[i : i + len(long_stems)]) == long_stems:
                found[acronym] += 1
    for acronym in sorted(found):
        terms.extend([acronym] * found[acronym])
    return terms


def test_sources_have_acronyms_to_find() -> None:
    assert ACRONYMS  # else the comparisons below would not exercise the long forms


def test_memoized_analysis_matches_plain_on_every_line_of_the_sources() -> None:
    analyzers = (Analyzer(), Analyzer(ACRONYMS))
    for text in TEXTS:
        for line in [*text.splitlines(), text]:
            for analyzer in analyzers:
                assert analyzer.terms(line) == plain_terms(analyzer, line)


PIECES = [
    *"abcISTs'’ -\u00ad\u200b()",
    *("ＩＣＥ", "ﬁ", "İ", "ı", "é", "ß", "ǅ", "Ⅻ", "٣"),
    *("the ", "Police ", "Department ", "Immigration ", "and ", "Customs ", "Enforcement "),
]
WORDISH = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@given(WORDISH)
def test_memoized_analysis_matches_plain_on_generated_text(text: str) -> None:
    for analyzer in (Analyzer(), Analyzer(ACRONYMS)):
        assert analyzer.terms(text) == plain_terms(analyzer, text)
        assert analyzer.terms(text) == plain_terms(analyzer, text)  # now from the memo


def batch_terms(texts: list[str], analyzer: Analyzer) -> list[list[str]]:
    """What the build's batch analysis makes of `texts`, as term lists."""
    token_ids = TokenIds(Vocabulary())
    ids, counts = with_acronyms(*batch_ids(texts, token_ids), token_ids.vocabulary, analyzer)
    ends = np.cumsum(counts)
    terms = token_ids.vocabulary.terms
    return [[terms[i] for i in ids[e - n : e]] for n, e in zip(counts, ends, strict=True)]


@given(st.lists(WORDISH, max_size=6))
def test_batch_analysis_matches_terms_on_generated_text(texts: list[str]) -> None:
    for analyzer in (Analyzer(), Analyzer(ACRONYMS)):
        assert batch_terms(texts, analyzer) == [analyzer.terms(t) for t in texts]


def test_batch_analysis_matches_terms_on_every_line_of_the_sources() -> None:
    lines = [line for text in TEXTS for line in text.splitlines()]
    analyzer = Analyzer(ACRONYMS)
    assert batch_terms(lines, analyzer) == [analyzer.terms(line) for line in lines]


def unguarded_credit(line: Line) -> int | None:
    match = _PHOTO_CREDIT.search(line.text)
    return line.start + match.start() if match else None


def test_credit_guard_matches_the_regex_on_every_line_of_the_sources() -> None:
    lines = [line for text in TEXTS for line in split_lines(text)]
    assert any(unguarded_credit(line) is not None for line in lines)
    for line in lines:
        assert photo_credit_start(line) == unguarded_credit(line)


CREDITS = [
    "A caption. Photo: Jane Doe",
    "A caption (PHOTOGRAPH BY J. Doe)",
    "Pictures by the agency",
    "Image credit: AP",
    "İmage: AP",
    "ımages by AP",
    "Credıt: AP",
    "CREDİT : AP",
    "no credit here",
    "photographer: none",
]


@given(
    st.text(
        alphabet=st.sampled_from(list("photgraimecdusPHOTIMAGECRDU :()byBY.\u0130\u0131")),
        max_size=40,
    )
)
def test_credit_guard_matches_the_regex_on_generated_lines(text: str) -> None:
    for line in [Line(1, 0, len(text), text), *(Line(1, 5, 5 + len(c), c) for c in CREDITS)]:
        assert photo_credit_start(line) == unguarded_credit(line)


def test_credit_guard_keeps_the_odd_cases_of_i() -> None:
    assert photo_credit_start(Line(1, 0, 9, "İmage: AP")) == 0
    assert photo_credit_start(Line(1, 0, 9, "Credıt: AP")) == 0


@given(st.lists(st.lists(st.integers(0, 6), max_size=8), max_size=6))
def test_term_rows_count_each_rows_terms(rows: list[list[int]]) -> None:
    ids = np.array([t for row in rows for t in row], dtype=np.int32)
    built = term_rows(ids, np.array([len(row) for row in rows], dtype=np.int64))
    assert [built.row(r) for r in range(len(built))] == [dict(Counter(row)) for row in rows]


def test_streaming_build_indexes_what_the_term_lists_say(sources_copy: Path) -> None:
    """The build's flat term ids (headings gathered in) index exactly what `BM25Index.build`
    makes of each passage's term list: same terms and ids, postings, weights and bounds."""
    built = build_index(read_sources(sources_copy)).scorer
    corpus = ingest(read_sources(sources_copy))
    assert any(p.heading for d in corpus.documents for p in d.passages)
    plain = BM25Index.build(analyze_passages(corpus, build_analyzer(corpus)), built.params)
    assert built.terms == plain.terms
    for name in ("idf", "offsets", "docs", "weights", "bounds"):
        assert np.array_equal(getattr(built, name), getattr(plain, name)), name


PAGE = (
    "<!doctype html>\n<html><head><title>Harbor</title></head>\n<body>\n"
    "<h1>Harbor <em>Notes</em></h1>\n"
    "<p>The harbor master counted <b>31 sailboats</b> in June. Ferries ran &amp; hourly.</p>\n"
    "</body></html>\n"
)


def test_an_html_source_given_as_text_is_quoted_from_its_visible_text(tmp_path: Path) -> None:
    """A source given as a text, not a file, is sliced as the same source read from its file
    is: an HTML page's visible text, not its markup."""
    given = build_index(SourceSet(texts={"z.html": PAGE}, metas={}))
    (tmp_path / "z.html").write_text(PAGE, encoding="utf-8")
    read = build_index(read_sources(tmp_path))
    assert len(given.table) == len(read.table) > 0
    for pid in range(len(given.table)):
        passage = given.passage(pid)
        quoted = given.text("z.html")[passage.start : passage.end]
        assert quoted == read.text("z.html")[passage.start : passage.end], quoted
        assert "<" not in quoted and "&amp;" not in quoted, quoted
    first = given.passage(0)
    assert "31 sailboats" in given.text("z.html")[first.start : first.end]


# The acronym miners' regexes as they were written before being sped up.
PLAIN_CAPS = re.compile(r"\b[A-Z]{3,6}\b")
PLAIN_RUN = re.compile(r"\b[A-Z][a-z][\w-]*(?:\s+[A-Z][a-z][\w-]*){1,5}")
ACRONYMISH = st.lists(
    st.sampled_from(
        [*"AB Cd(-)&\n\u00e9\u00c9_1", "ICE", "(ICE)", "(BPD)", "and ", "of ", "the ", "Boston "]
    ),
    max_size=40,
).map("".join)


def spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@given(ACRONYMISH)
def test_acronym_regexes_match_as_written_on_generated_text(text: str) -> None:
    assert spans(acronym_matches(text)) == spans(_ACRONYM.finditer(text))
    assert spans(_CAPS.finditer(text)) == spans(PLAIN_CAPS.finditer(text))
    assert spans(_CAPITALISED_RUN.finditer(text)) == spans(PLAIN_RUN.finditer(text))


def test_acronym_regexes_match_as_written_on_the_sources() -> None:
    for text in TEXTS:
        assert spans(acronym_matches(text)) == spans(_ACRONYM.finditer(text))
        assert spans(_CAPS.finditer(text)) == spans(PLAIN_CAPS.finditer(text))
        assert spans(_CAPITALISED_RUN.finditer(text)) == spans(PLAIN_RUN.finditer(text))
    assert any(True for text in TEXTS for _ in acronym_matches(text))


def plain_split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`split_sentences` as it was written before its shortcuts: the oracle."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in sentences._BOUNDARY.finditer(text, start, end):
        dot = match.start()
        if match.group(0) == ".":
            before = sentences._WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
            word = before.group(1).lower() if before else ""
            if word in sentences._ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    return [strip_span(text, s, e) for s, e in spans if text[s:e].strip()]


PROSE = st.lists(
    st.sampled_from(
        [*"aZ1_.. !?\"”')\n\t\u00a0\u2003\x1c", "Mr", "e.g", "U.S", "approx", "sept", "Washington"]
    ),
    max_size=40,
).map("".join)


@given(PROSE)
def test_sentence_split_shortcuts_match_the_plain_split(text: str) -> None:
    assert split_sentences(text, 0, len(text)) == plain_split(text, 0, len(text))


def test_sentence_split_shortcuts_match_the_plain_split_on_the_sources() -> None:
    for text in TEXTS:
        assert split_sentences(text, 0, len(text)) == plain_split(text, 0, len(text))
        for line in split_lines(text):
            assert split_sentences(text, line.start, line.end) == plain_split(
                text, line.start, line.end
            )


def saved_arrays(retriever: Retriever) -> dict[str, np.ndarray]:
    scorer, table = retriever.scorer, retriever.table
    arrays = {name: getattr(scorer, name) for name in ("idf", "offsets", "docs", "weights")}
    arrays |= {name: getattr(table, name) for name in ("passages", "sentences", "chrome")}
    for rows in ("sentence_terms", "heading_terms"):
        terms = getattr(retriever, rows)
        arrays |= {f"{rows}.{part}": getattr(terms, part) for part in TERM_ROW_PARTS}
    return arrays


def test_worker_processes_build_what_one_process_builds(
    sources_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = build_index(read_sources(sources_copy))
    monkeypatch.setattr(builder, "PARALLEL_MIN_BYTES", 0)
    assert builder._workers(read_sources(sources_copy)) > 1
    pooled = build_index(read_sources(sources_copy))
    assert pooled.scorer.terms == alone.scorer.terms
    assert pooled.analyzer.acronyms == alone.analyzer.acronyms
    assert pooled.table.headings == alone.table.headings
    for name, values in saved_arrays(alone).items():
        assert np.array_equal(saved_arrays(pooled)[name], values), name


def test_a_bad_source_in_a_worker_costs_only_itself(
    sources_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builder, "PARALLEL_MIN_BYTES", 0)
    sources = read_sources(sources_copy)
    name = sorted(sources.texts)[0]
    bad = sources_copy / name
    bad.write_bytes(b"fine line\n\xff broken\n")  # after its check: a worker finds it
    built = build_index(sources)
    assert f"{bad}:2: not valid UTF-8 (byte 10); skipped" in built.warnings
    assert name not in built.documents
    assert len(built.documents) == len(sources.texts) - 1


def test_a_worker_killed_leaves_its_sources_to_the_build(
    sources_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = build_index(read_sources(sources_copy))
    monkeypatch.setattr(builder, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(builder, "analyze_source", _killed_in_a_worker)
    pooled = build_index(read_sources(sources_copy))
    for name, values in saved_arrays(alone).items():
        assert np.array_equal(saved_arrays(pooled)[name], values), name


_ANALYZE = builder.analyze_source


def _killed_in_a_worker(*args: Any) -> builder.SourceResult:
    """`analyze_source`, but a worker running it dies (as the kernel's OOM killer ends one);
    at module level, so that the pool can send it to a worker (which imports this module
    afresh: it knows it is a worker by having a parent process)."""
    if multiprocessing.parent_process() is not None:
        os._exit(1)
    return _ANALYZE(*args)
