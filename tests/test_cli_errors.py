"""Bad files and faults on the command line: one line naming the file, exit code 2, never a
traceback; and what still works keeps working (global options after the command, JSON lines
whatever the bytes and the locale)."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest

import index.store as store
from bot.cli import main
from bot.models import Answer, LineError
from tests.paths import ROOT, SOURCES

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
QUESTION = "How many sailboats did the harbor master count?"
FACT = (
    '[[fact]]\nsubject = "Harbor"\nmeasure = "sailboats"\nvalue = "31"\nclaimed_by = "HM"\n'
    'source = "a.txt"\nquote = "The harbor master counted 31 sailboats in June."\n'
)


def one_error_line(capsys: pytest.CaptureFixture[str], *needles: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


def deny_reading(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """EACCES on reading `target`, as chmod 000 gives a user that is not root (CI runs as
    root, for whom chmod changes nothing)."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.resolve() == target.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def deny_listing(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fspath(path)).resolve() == target.resolve():  # type: ignore[arg-type]
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize("name", ["sources.toml", "facts.toml"])
@pytest.mark.parametrize("fault", ["unreadable", "folder", "nested 5,000 deep"])
def test_a_toml_file_that_cannot_be_read_is_one_line(
    make_sources: MakeSources,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    fault: str,
) -> None:
    folder = make_sources({"a.txt": DOC, name: FACT if name == "facts.toml" else ""})
    path = folder / name
    if fault == "unreadable":
        deny_reading(monkeypatch, path)
    elif fault == "folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_text(DEEP)
    code = main(["--sources", str(folder), "ask", QUESTION])
    assert code == 2
    expected = {
        "unreadable": "Permission denied",
        "folder": "Is a directory",
        "nested 5,000 deep": "nested too deeply",
    }[fault]
    one_error_line(capsys, str(path), expected)


@pytest.mark.parametrize("name", ["sources.toml", "facts.toml"])
def test_a_toml_file_that_is_a_named_pipe_is_refused_unread(
    make_sources: MakeSources, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    """Reading a named pipe waits for a writer, which may never come: every start would hang.
    The sources folder's files are refused unread, as a named pipe among the sources is
    skipped. A writer stands ready here, so that a read ends rather than hangs."""
    folder = make_sources({"a.txt": DOC})
    path = folder / name
    os.mkfifo(path)
    body = (FACT if name == "facts.toml" else '[[source]]\nfile = "a.txt"\ntitle = "H"\n').encode()

    def write() -> None:
        with suppress(BrokenPipeError), open(path, "wb") as pipe:  # waits for a reader
            pipe.write(body)  # a broken pipe: the reader left unread, as it should

    writer = threading.Thread(target=write)
    writer.start()
    try:
        code = main(["--sources", str(folder), "ask", QUESTION])
    finally:
        while writer.is_alive():  # the reader it waits for, until it has come to wait
            reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            writer.join(0.05)
            os.close(reader)
    assert code == 2
    one_error_line(capsys, str(path), "not a regular file")


def test_an_unreadable_sources_folder_is_one_line(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    deny_listing(monkeypatch, folder)
    assert main(["--sources", str(folder), "ask", QUESTION]) == 2
    one_error_line(capsys, str(folder), "Permission denied")


def test_a_sources_folder_that_is_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "src").write_text(DOC)
    assert main(["--sources", str(tmp_path / "src"), "ask", QUESTION]) == 2
    one_error_line(capsys, str(tmp_path / "src"), "not a folder")


def test_an_unreadable_subfolder_costs_only_its_files(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text("Tugs\n\nThe port had 12 tugboats.\n")
    deny_listing(monkeypatch, folder / "sub")
    assert main(["--sources", str(folder), "ask", QUESTION, "--json"]) == 0
    out, err = capsys.readouterr()
    assert Answer.model_validate_json(out).status == "answered"
    assert f"{folder / 'sub'}: cannot be read (Permission denied)" in err


@pytest.mark.parametrize(
    ("name", "setup", "expected"),
    [
        ("nope.jsonl", None, "No such file"),
        ("folder", lambda p: p.mkdir(), "Is a directory"),
        ("bad.jsonl", lambda p: p.write_bytes(b'{"question": "ok"}\n{"question": "\xe9"}\n'), ":2"),
    ],
    ids=["missing", "folder", "not-utf8"],
)
def test_an_eval_file_that_cannot_be_read_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    setup: Callable[[Path], object] | None,
    expected: str,
) -> None:
    path = tmp_path / name
    if setup:
        setup(path)
    assert main(["--sources", str(SOURCES), "eval", str(path)]) == 2
    one_error_line(capsys, str(path), expected)


def test_an_eval_line_holding_a_line_separator_is_one_question(tmp_path: Path) -> None:
    """U+2028 is allowed raw in a JSON string; str.splitlines() used to cut the line there."""
    from bot.evaluate import load_eval

    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "How many\u2028requests?"}\n', encoding="utf-8")
    (item,) = load_eval(path)
    assert item.question == "How many\u2028requests?"


@pytest.mark.parametrize(
    ("command", "code"), [(["index"], 2), (["ask", QUESTION, "--json"], 0)], ids=["index", "ask"]
)
def test_a_full_disk_fails_index_but_not_ask(
    make_sources: MakeSources,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    code: int,
) -> None:
    """`index` exists to save the index: it says why it could not (exit 2); `ask` answers
    from the index built for the run, with a note. No half-written generation is left."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"

    def write(*_: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "_write", write)
    assert main(["--sources", str(folder), "--cache", str(cache), *command]) == code
    if code == 2:
        one_error_line(capsys, str(cache), "could not be saved", "No space left on device")
    else:
        out, err = capsys.readouterr()
        assert Answer.model_validate_json(out).status == "answered"
        assert "could not be saved" in err
    assert not list(cache.glob("*gen-*"))


def test_global_options_may_follow_the_command(
    make_sources: MakeSources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "after"
    code = main(["ask", QUESTION, "--json", "--sources", str(folder), "--cache", str(cache)])
    assert code == 0
    assert "31 sailboats" in Answer.model_validate_json(capsys.readouterr().out).snippets[0].quote
    assert (cache / store.MANIFEST).is_file(), "--cache after the command was used"


def test_a_global_option_after_the_command_wins(
    make_sources: MakeSources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    code = main(["--sources", str(tmp_path / "nope"), "ask", QUESTION, "--sources", str(folder)])
    assert code == 0
    assert "31 sailboats" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["index", "--force"],
        ["sources"],
        ["facts", "check"],
        ["fact", "sailboats"],
    ],
)
def test_every_command_takes_the_global_options(
    make_sources: MakeSources, tmp_path: Path, argv: list[str]
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "c"
    assert main([*argv, "--sources", str(folder), "--cache", str(cache)]) == 0
    assert (cache / store.MANIFEST).is_file()


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_jsonl_a_line_of_bad_utf8_gets_an_error_object_and_the_rest_answers(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    q = QUESTION.encode()
    stdin(monkeypatch, q + b"\n\xff\xfe sailboats?\n\n" + q + b"\r\n")
    assert main(["--sources", str(folder), "ask", "--jsonl"]) == 0
    first, error, last = capsys.readouterr().out.splitlines()
    assert Answer.model_validate_json(first).status == "answered"
    assert LineError.model_validate_json(error) == LineError(
        line=2, error="not valid UTF-8 (byte 0); the line was not asked"
    )
    assert Answer.model_validate_json(last).question == QUESTION


def test_jsonl_under_a_strict_locale_loses_no_line_and_writes_utf8(tmp_path: Path) -> None:
    """LC_ALL=C without UTF-8 mode: Python's stdin and stdout are ASCII there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env.update(LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONPATH=str(ROOT))
    q = b"How many detainer requests did Boston police ignore in 2025?"
    lines = [q, "¿Cuántas solicitudes ignoró la policía de Boston?".encode(), b"caf\xe9?", q]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--sources", str(SOURCES), "ask", "--jsonl"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(rows) == 4
    assert rows[1]["question"] == lines[1].decode()
    assert rows[2] == {"line": 3, "error": "not valid UTF-8 (byte 3); the line was not asked"}
    assert rows[0]["status"] == rows[3]["status"] == "answered"
