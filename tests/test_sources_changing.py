"""Sources that change under a running process: a question whose quote can no longer be read
back as it was indexed fails alone (`ask --jsonl` answers it with a `LineError`, `chat` with an
error line, Discord with a note), every other question is answered, and the next start
rebuilds from the files as they are."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.cli import main
from bot.discord.service import SOURCE_CHANGED, AnswerService
from bot.discord.store import Store
from bot.loader import load_engine
from index.errors import DataFileError
from index.file_states import hashed_state
from index.ingest import IndexedTexts, quotable_text
from index.source_text import ReadSource, SourceChanged, SourceText

MakeSources = Callable[[dict[str, str | bytes]], Path]
HARBOR = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
ZOO = "Zoo Notes\n\nThe zoo had 12 zebras. The zoo had 3 lions.\n"
HARBOR_Q = "How many sailboats did the harbor master count?"
ZOO_Q = "How many zebras did the zoo have?"
NEW_ZOO = "Zoo Notes\n\nThe zoo had 40 zebras.\n"
ZOO_PAGE = "<html><body><h1>Zoo Notes</h1>\n<p>The zoo had 12 zebras. The zoo had 3 lions.</p>\n"
NEW_ZOO_PAGE = "<html><body><h1>Zoo Notes</h1>\n<p>The zoo had 40 zebras.</p>\n"
ZOOS = {"zoo.txt": (ZOO, NEW_ZOO), "zoo.html": (ZOO_PAGE, NEW_ZOO_PAGE)}  # as indexed, then


def remove(path: Path) -> None:
    path.unlink()


def rewrite_in_place(path: Path) -> None:
    with open(path, "r+", encoding="utf-8") as f:  # the same file, not a new one renamed over
        f.write(ZOOS[path.name][1])
        f.truncate()


def truncate(path: Path) -> None:
    os.truncate(path, 4)


def replace(path: Path) -> None:
    path.with_suffix(".new").write_text(ZOOS[path.name][1], encoding="utf-8")
    os.replace(path.with_suffix(".new"), path)


CHANGES = {"removed": remove, "rewritten in place": rewrite_in_place, "truncated": truncate}
CHANGES["replaced"] = replace


class Questions:
    """Standard input's lines, with a change to the sources made before chosen ones."""

    def __init__(self, *items: str | Callable[[], None]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[bytes]:
        for item in self.items:
            if isinstance(item, str):
                yield item.encode() + b"\n"
            else:
                item()


def ask_lines(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    *items: str | Callable[[], None],
) -> list[dict[str, object]]:
    monkeypatch.setattr("sys.stdin", SimpleNamespace(buffer=Questions(*items)))
    assert main(["--sources", str(folder), "ask", "--jsonl"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def saved_index(make_sources: MakeSources, zoo: str) -> Path:
    """The folder, its index saved by an earlier start: a start that loads it maps each
    source when it is first quoted (a start that builds it reads them all at once)."""
    folder = make_sources({"harbor.txt": HARBOR, zoo: ZOOS[zoo][0]})
    load_engine(folder)
    return folder


@pytest.fixture
def sources(make_sources: MakeSources) -> Path:
    return saved_index(make_sources, "zoo.txt")


@pytest.mark.parametrize("zoo_name", list(ZOOS))  # an HTML page is quoted from its reading
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_source_changed_before_it_is_quoted_costs_only_its_questions(
    make_sources: MakeSources,
    zoo_name: str,
    change: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sources = saved_index(make_sources, zoo_name)
    zoo = sources / zoo_name
    replies = ask_lines(
        monkeypatch, capsys, sources, HARBOR_Q, lambda: CHANGES[change](zoo), ZOO_Q, HARBOR_Q
    )
    assert [r.get("status") for r in replies] == ["answered", None, "answered"]
    assert replies[1]["line"] == 2
    error = str(replies[1]["error"])
    assert error.startswith(str(zoo)) and "since" in error and "restart" in error, error
    engine, _ = load_engine(sources)  # the next start: rebuilt from the files as they are
    answer = engine.ask(ZOO_Q)
    if change in ("rewritten in place", "replaced"):
        assert answer.status == "answered" and "40 zebras" in answer.snippets[0].quote
    else:
        assert all(s.source != zoo_name for s in answer.snippets)


def test_a_source_changed_in_place_after_it_is_quoted_is_refused_from_then_on(
    sources: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its bytes changed under the mapping: a truncated end would kill the process."""
    zoo = sources / "zoo.txt"
    replies = ask_lines(
        monkeypatch, capsys, sources, ZOO_Q, lambda: rewrite_in_place(zoo), ZOO_Q, HARBOR_Q
    )
    assert [r.get("status") for r in replies] == ["answered", None, "answered"]
    assert "changed in place since the index was loaded" in str(replies[1]["error"])


def test_a_source_removed_after_it_is_quoted_is_still_quoted_as_indexed(
    sources: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    zoo = sources / "zoo.txt"
    replies = ask_lines(monkeypatch, capsys, sources, ZOO_Q, lambda: remove(zoo), ZOO_Q)
    assert [r["status"] for r in replies] == ["answered", "answered"]
    assert replies[0]["snippets"] == replies[1]["snippets"]


def test_chat_answers_on_after_a_question_about_a_changed_source(
    sources: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = iter([ZOO_Q, HARBOR_Q, ""])

    def typed(prompt: str) -> str:
        question = next(asked)
        if question == ZOO_Q:
            remove(sources / "zoo.txt")
        return question

    monkeypatch.setattr("builtins.input", typed)
    assert main(["--sources", str(sources), "chat"]) == 0
    out, err = capsys.readouterr()
    assert err.startswith(f"error: {sources / 'zoo.txt'}: ") and err.count("\n") == 2, err
    assert "31 sailboats" in out


def test_discord_answers_on_after_a_question_about_a_changed_source(
    sources: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine, _ = load_engine(sources)
    service = AnswerService(engine, Store(":memory:"))
    remove(sources / "zoo.txt")
    reply = service.reply(ZOO_Q, 5)
    assert (reply.answer.status, reply.answer.note) == ("no_answer", SOURCE_CHANGED)
    assert any(str(sources / "zoo.txt") in r.getMessage() for r in caplog.records)
    assert service.store.unanswered(5) == []  # not a question the sources fail to answer
    assert service.reply(HARBOR_Q, 5).answer.status == "answered"


# The texts themselves ----------------------------------------------------------------------


@pytest.fixture
def zoo_file(tmp_path: Path) -> Path:
    path = tmp_path / "zoo.txt"
    path.write_text(ZOO, encoding="utf-8")
    return path


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_mapped_source_is_checked_against_the_state_indexed_when_first_read(
    zoo_file: Path, change: str
) -> None:
    mapped = SourceText(zoo_file, hashed_state(zoo_file))
    CHANGES[change](zoo_file)
    with pytest.raises(SourceChanged, match="since the index was loaded; restart"):
        mapped[0:4]
    assert isinstance(SourceChanged(zoo_file, None, ""), DataFileError)  # `ask` exits 2 on it


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_page_is_checked_against_the_state_indexed_when_first_read(
    tmp_path: Path, change: str
) -> None:
    """An HTML page is quoted from its visible text, read from its file when first quoted:
    a file changed since it was indexed is refused as a mapped text is, not read afresh."""
    page = tmp_path / "zoo.html"
    page.write_text(ZOO_PAGE, encoding="utf-8")
    read = ReadSource(page, hashed_state(page), lambda text: quotable_text("zoo.html", text))
    CHANGES[change](page)
    with pytest.raises(SourceChanged, match="since the index was loaded; restart"):
        read[0:4]


def test_a_page_unchanged_is_read(tmp_path: Path) -> None:
    page = tmp_path / "zoo.html"
    page.write_text(ZOO_PAGE, encoding="utf-8")
    state = hashed_state(page)
    os.utime(page, ns=(state.mtime_ns + 5, state.mtime_ns + 5))  # touched, not changed
    read = ReadSource(page, state, lambda text: quotable_text("zoo.html", text))
    assert read[0:9] == "Zoo Notes" and read.line_of(str(read).index("12 zebras")) == 2


def test_a_mapped_source_unchanged_is_read(zoo_file: Path) -> None:
    state = hashed_state(zoo_file)
    os.utime(zoo_file, ns=(state.mtime_ns + 5, state.mtime_ns + 5))  # touched, not changed
    assert SourceText(zoo_file, state)[0:9] == "Zoo Notes"


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_source_read_for_a_build_is_checked_against_its_checksum(
    zoo_file: Path, change: str
) -> None:
    """A start that builds the index reads each source again, whole, when first asked for."""
    texts = IndexedTexts({"zoo.txt": zoo_file}, {"zoo.txt": hashed_state(zoo_file).sha256})
    CHANGES[change](zoo_file)
    with pytest.raises(SourceChanged, match="changed since it was indexed; restart"):
        texts["zoo.txt"]
