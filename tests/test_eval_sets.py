"""The per-collection eval sets in tests/eval/ stay true to their documents. They were written by
hand from the documents, so the danger is a typo: an answer that is not in the document its line
names would count every right quote as a miss. Every line must parse, every answerable line must
name a document that exists, and each of its answer substrings must really be in that document's
text (for HTML, its visible text), so that a miss in an eval run is the engine's, not the set's."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.evaluate import line_states_answer, load_eval
from tests.paths import ROOT, SOURCES

EVAL = Path(__file__).parent / "eval"

# Each set and the folder its `source` names are relative to ("corpora/..." is in ../shared).
COLLECTIONS = {
    "sources.jsonl": SOURCES,
    "python-faq.jsonl": Path("corpora/python-faq/docs"),
    "pydis-guides.jsonl": Path("corpora/pydis-site-guides/docs"),
    "sqlite-docs.jsonl": Path("corpora/sqlite-docs-html/docs"),
}
KEYS = {"question", "answers", "expect", "source"}


def shared_folder() -> Path | None:
    """The shared data sits beside the main checkout (../shared); a worktree is deeper, so look
    in every ancestor."""
    for parent in ROOT.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared"
    return None


def docs_folder(name: str) -> Path:
    folder = COLLECTIONS[name]
    if folder.is_absolute():
        return folder
    shared = shared_folder()
    if shared is None:
        pytest.skip(f"no shared/corpora in any folder above {ROOT} for {name}")
    return shared / folder


class _VisibleText(HTMLParser):
    """Text nodes outside <script> and <style>, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.nodes.append(data)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def html_text(path: Path) -> tuple[str, list[str]]:
    """The page's visible text (whitespace runs as one space) and its text nodes, collapsed."""
    parser = _VisibleText()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return collapse("".join(parser.nodes)).casefold(), [
        collapse(n).casefold() for n in parser.nodes
    ]


def rows(name: str) -> list[dict]:
    """Every line as a JSON object; a blank line would shift which half later lines are in."""
    out = []
    for number, text in enumerate((EVAL / name).read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{name}:{number}: not JSON ({exc})")
        assert isinstance(row, dict), f"{name}:{number}: not an object"
        out.append(row)
    return out


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_every_line_is_well_formed(name: str) -> None:
    items = rows(name)
    assert len(items) >= 48, f"{name}: {len(items)} questions"
    for number, row in enumerate(items, 1):
        where = f"{name}:{number}"
        assert set(row) <= KEYS, f"{where}: unknown keys {set(row) - KEYS}"
        assert isinstance(row.get("question"), str), f"{where}: no question"
        assert row["question"].strip(), f"{where}: empty question"
        if row.get("expect") == "no_answer":
            assert "answers" not in row and "source" not in row, f"{where}: no_answer with answers"
            continue
        assert row.get("expect") in (None, "conflict"), f"{where}: expect {row.get('expect')!r}"
        answers = row.get("answers")
        assert isinstance(answers, list) and answers, f"{where}: no answers"
        assert all(isinstance(a, str) and a.strip() for a in answers), f"{where}: empty answer"
        assert isinstance(row.get("source"), str), f"{where}: answerable without a source"
    assert len(load_eval(EVAL / name)) == len(items)  # the project's own loader takes it whole


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_answers_are_in_the_named_document(name: str) -> None:
    folder = docs_folder(name)
    texts: dict[str, tuple[str, list[str] | None]] = {}
    for number, row in enumerate(rows(name), 1):
        if row.get("expect") == "no_answer":
            continue
        where = f"{name}:{number} ({row['source']})"
        path = folder / row["source"]
        assert path.parent == folder and path.is_file(), f"{where}: no such document"
        if row["source"] not in texts:
            if path.suffix == ".html":
                texts[row["source"]] = html_text(path)
            else:
                texts[row["source"]] = (path.read_text(encoding="utf-8").casefold(), None)
        text, nodes = texts[row["source"]]
        for answer in row["answers"]:
            folded = answer.casefold()
            assert folded in text, f"{where}: {answer!r} is not in the document"
            if nodes is not None:
                assert any(folded in node for node in nodes), (
                    f"{where}: {answer!r} crosses an element boundary"
                )


@pytest.mark.parametrize("name", sorted(COLLECTIONS))
def test_even_and_odd_lines_are_the_same_mix(name: str) -> None:
    """Knobs are fitted on the even lines (counted from 0) and figures reported on the odd ones,
    so both halves need about a third unanswerable, as the whole set has."""
    items = rows(name)
    declined = [row.get("expect") == "no_answer" for row in items]
    assert 0.25 <= sum(declined) / len(items) <= 0.40, f"{name}: {sum(declined)} unanswerable"
    even, odd = declined[0::2], declined[1::2]
    assert abs(sum(even) - sum(odd)) <= 1, f"{name}: unanswerable {sum(even)} even, {sum(odd)} odd"
    answered_even = len(even) - sum(even)
    answered_odd = len(odd) - sum(odd)
    assert abs(answered_even - answered_odd) <= 1, (
        f"{name}: answerable {answered_even} even, {answered_odd} odd"
    )


def test_no_question_is_asked_twice_across_the_sets() -> None:
    seen: dict[str, str] = {}
    for path in sorted(EVAL.glob("*.jsonl")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            key = " ".join(json.loads(text)["question"].casefold().split())
            assert key not in seen, f"{path.name}:{number} repeats {seen[key]}"
            seen[key] = f"{path.name}:{number}"


@pytest.mark.parametrize(
    ("line", "states"),
    [
        ("57 — Boston Police (Commissioner Michael Cox), 2025", True),  # the answer itself
        ("Police Commissioner Michael Cox — HERE Boston", True),  # held by an answer
        ("1,000 — Some Report", True),  # commas aside ("1000 requests")
        ("may — Design and History FAQ", False),
        ("2014 — “ICE clashes with Boston police” article", False),
    ],
)
def test_an_answer_line_is_scored_by_its_value_against_the_answers(line: str, states: bool) -> None:
    answers = ["ignored all 57", "confirmed by Police Commissioner Michael Cox", "1000 requests"]
    assert line_states_answer(line, answers) is states
