"""The harness, driven in-process through `bot.cli.main` as a maintainer would use it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.models import Answer
from tests.paths import SOURCES

QUESTION = "How many detainer requests did Boston police ignore in 2025?"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--sources", str(SOURCES), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def stdin(data: bytes) -> io.TextIOWrapper:
    """Standard input as the terminal gives it: text over a byte buffer."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def test_ask_json_matches_the_schema_and_the_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", QUESTION, "--json")
    assert code == 0
    data = json.loads(out)
    answer = Answer.model_validate(data)
    assert set(data) == {
        "schema_version",
        "question",
        "status",
        "answer",
        "snippets",
        "corroborated_by",
        "note",
        "facts",
    }
    assert data["schema_version"] == 2
    for snippet in data["snippets"]:
        assert {"quote", "source", "start", "end", "title", "publisher", "date", "score"} <= set(
            snippet
        )
        text = (SOURCES / snippet["source"]).read_text(encoding="utf-8")
        assert text[snippet["start"] : snippet["end"]] == snippet["quote"]
    assert answer.status == "answered"


def test_ask_text_shows_quotes_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", QUESTION)
    assert code == 0
    assert "  > " in out
    assert "HERE Boston" in out and "line " in out


def test_ask_jsonl_answers_each_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [QUESTION, "", "What is the population of Boston?", "Who is the ICE spokeswoman?"]
    monkeypatch.setattr("sys.stdin", stdin(("\n".join(questions) + "\n").encode()))
    code, out, _ = run(capsys, "ask", "--jsonl")
    assert code == 0
    answers = [Answer.model_validate_json(line) for line in out.splitlines()]
    assert [a.question for a in answers] == [q for q in questions if q]
    assert answers[1].status == "no_answer"


def test_ask_without_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ask")
    assert code == 2
    assert "QUESTION" in err


def test_sources_lists_metadata_and_passage_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources")
    assert code == 0
    for path in SOURCES.glob("*.txt"):
        assert path.name in out
    assert out.count("passages:") == len(list(SOURCES.glob("*.txt")))


def test_index_reports_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "index", "--force")
    assert code == 0
    assert "2 sources" in out
    assert re.search(r"in \d+\.\d s, peak memory [1-9]\d* MB", out)


def test_eval_prints_accuracy_and_abstention(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(Path(__file__).parent / "questions.jsonl")
    code, out, _ = run(capsys, "--semantic", "off", "eval", path, "--json")
    assert code == 0
    report = json.loads(out)[path]["lexical"]
    assert {"accuracy_at_1", "accuracy_at_3", "declined_rate"} <= set(report)


@pytest.mark.parametrize(("half", "questions"), [("even", 2), ("odd", 1)])
def test_eval_half_scores_only_those_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, half: str, questions: int
) -> None:
    """Knobs are fitted on the even lines; --half odd reports the lines none was fitted on."""
    path = tmp_path / "three.jsonl"
    lines = [
        '{"question": "How many detainer requests did Boston police ignore in 2025?", '
        '"answers": ["57"]}',
        '{"question": "What is the police commissioner\'s salary?", "expect": "no_answer"}',
        '{"question": "Who is the ICE spokeswoman?", "answers": ["Choates"]}',
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "--semantic", "off", "eval", str(path), "--half", half, "--json")
    assert code == 0
    report = json.loads(out)[str(path)]["lexical"]
    assert report["questions"] == questions
    assert report["answerable"] == (2 if half == "even" else 0)


def test_eval_runs_the_projects_sets_in_both_modes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", "--json")
    assert code == 0
    reports = json.loads(out)
    assert {Path(p).name for p in reports} == {
        "questions.jsonl",
        "paraphrases.jsonl",
        "unanswerable.jsonl",
    }
    for by_mode in reports.values():
        assert set(by_mode) == {"lexical", "semantic"}
    unanswerable = next(v for p, v in reports.items() if p.endswith("unanswerable.jsonl"))
    assert unanswerable["semantic"]["unanswerable"] >= 25


def test_eval_file_with_a_bad_line_names_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "ok"}\n{"answers": ["x"]}\n', encoding="utf-8")
    code, _, err = run(capsys, "eval", str(bad))
    assert code == 2
    assert f"{bad}:2" in err


def test_missing_sources_dir_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["--sources", str(tmp_path / "missing"), "ask", QUESTION])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "sources directory not found" in err


def test_chat_answers_until_an_empty_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", stdin(f"{QUESTION}\n\nnever asked\n".encode()))
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert out.count("? ") == 2 and out.count("  > ") >= 1  # one answer, then the prompt
