"""`facts suggest` proposes candidates that parse back as valid curated facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.cli import main
from bot.core.engine import Engine
from bot.facts.curated import load_curated
from bot.facts.suggest import suggest, to_toml
from bot.loader import load_engine
from tests.paths import SOURCES as PROJECT_SOURCES


def candidates(engine: Engine, include_known: bool = False) -> str:
    assert engine.facts is not None
    return to_toml(suggest(engine.facts, engine.retriever, include_known))


def parse_back(engine: Engine, text: str, tmp_path: Path) -> list:
    path = tmp_path / "suggested.toml"
    path.write_text(text, encoding="utf-8")
    chrome = {name: doc.chrome for name, doc in engine.retriever.documents.items()}
    facts, warnings = load_curated(path, engine.retriever.corpus.texts, chrome)
    assert warnings == []
    return facts


def test_suggestions_find_figures_years_and_claimants(
    make_corpus: Callable[..., Path], tmp_path: Path
) -> None:
    engine, _ = load_engine(make_corpus(facts=None))
    facts = parse_back(engine, candidates(engine), tmp_path)
    found = {(f.value, f.period, f.claimed_by) for f in facts}
    assert ("15", "2024", "Chief Ann Smith") in found
    assert ("198", "2024", "Jo Lee") in found
    assert ("more than 12", "2023", "city data") in found
    assert ("two", "2022", "city data") in found
    roles = {(f.measure, f.value) for f in facts if f.number is None}
    assert {("Chief", "Ann Smith"), ("spokeswoman", "Jo Lee")} <= roles
    last_year = next(f for f in facts if f.quote.startswith("Police said the 15"))
    assert last_year.period == "2024"  # "last year" against the source's year, 2025


def test_curated_facts_are_not_suggested_again(report_engine: Engine, tmp_path: Path) -> None:
    fresh = {
        (f.value, f.start) for f in parse_back(report_engine, candidates(report_engine), tmp_path)
    }
    assert ("198", report_engine.retriever.text("report.txt").index("The agency sent")) not in fresh
    everything = parse_back(report_engine, candidates(report_engine, include_known=True), tmp_path)
    assert len(everything) > len(fresh)


def test_project_suggestions_parse_back(engine: Engine, tmp_path: Path) -> None:
    facts = parse_back(engine, candidates(engine, include_known=True), tmp_path)
    assert len(facts) >= 20
    texts = engine.retriever.corpus.texts
    assert all(texts[f.source][f.start : f.end] == f.quote for f in facts)


def test_cli_prints_toml_and_a_count(
    make_corpus: Callable[..., Path], capsys, tmp_path: Path
) -> None:
    folder = make_corpus(facts=None)
    assert main(["--sources", str(folder), "facts", "suggest"]) == 0
    out, err = capsys.readouterr()
    engine, _ = load_engine(folder)
    assert len(parse_back(engine, out, tmp_path)) == int(err.split()[0]) > 0


def test_a_saved_index_suggests_what_a_fresh_build_does(
    make_corpus: Callable[..., Path], capsys
) -> None:
    """The first start builds the index and holds each text as a `str`; the next loads it and
    maps each source: the line of each candidate is read from either."""
    folder = make_corpus(facts=None)
    printed = []
    for _ in range(2):
        assert main(["--sources", str(folder), "facts", "suggest"]) == 0
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1] and "# report.txt, line " in printed[0]


def test_project_facts_file_is_valid(capsys) -> None:
    assert main(["--sources", str(PROJECT_SOURCES), "facts", "check"]) == 0
    assert "curated facts OK" in capsys.readouterr().out
