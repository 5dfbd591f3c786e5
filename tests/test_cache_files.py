"""The index cache never reads or writes through a link planted in its folder: a link (or a
FIFO, or a folder) at one of its names is refused in one line, and what it points at is left
as it was."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import index.store as store
from bot.cli import main
from index.cache_folder import CACHE_MARKER
from index.file_states import STATES
from index.store import LOCK, MANIFEST, load_index
from index.vector_cache import CACHE_NAME

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
QUESTION = "How many sailboats did the harbor master count?"


def cli(folder: Path, cache: Path, *command: str, semantic: str = "off") -> int:
    return main(["--sources", str(folder), "--cache", str(cache), "--semantic", semantic, *command])


def refused(capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert all(n in err for n in needles), err


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "mine" / "thesis.md"
    path.parent.mkdir()
    path.write_text("four years of work")
    return path


@pytest.fixture
def user_db(tmp_path: Path) -> Path:
    path = tmp_path / "mine" / "accounts.sqlite3"
    path.parent.mkdir(exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (name TEXT, balance REAL)")
        db.execute("INSERT INTO accounts VALUES ('me', 12.5)")
    db.close()
    return path


def test_the_issue_repro_a_linked_build_lock_does_not_truncate_the_users_file(
    make_sources: MakeSources, tmp_path: Path, user_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index") == 0
    (cache / LOCK).unlink()
    (cache / LOCK).symlink_to(user_file)
    capsys.readouterr()
    assert cli(folder, cache, "index", "--force") == 2
    refused(capsys, str(cache / LOCK), f"a link to {user_file}", "remove it")
    assert user_file.read_text() == "four years of work"


def test_the_lock_file_is_made_as_open_makes_a_file(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    """os.open's default mode is 0o777: a lock file made through it was executable."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index") == 0
    assert (cache / LOCK).stat().st_mode & 0o111 == 0


def test_the_issue_repro_a_linked_vector_cache_does_not_write_into_the_users_database(
    make_sources: MakeSources, tmp_path: Path, user_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index", semantic="on") == 0
    (cache / CACHE_NAME).unlink()
    (cache / CACHE_NAME).symlink_to(user_db)
    before = user_db.read_bytes()
    capsys.readouterr()
    for command in (["index", "--force"], ["ask", QUESTION]):
        assert cli(folder, cache, *command, semantic="on") == 2
        refused(capsys, str(cache / CACHE_NAME), "a link")
        assert user_db.read_bytes() == before


@pytest.mark.parametrize(
    "name", [f"{CACHE_NAME}-wal", f"{CACHE_NAME}-shm", f"{CACHE_NAME}-journal"]
)
def test_sqlites_own_files_beside_the_vector_cache_are_not_followed(
    make_sources: MakeSources,
    tmp_path: Path,
    user_file: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index", semantic="on") == 0
    (cache / name).symlink_to(user_file)
    capsys.readouterr()
    assert cli(folder, cache, "index", "--force", semantic="on") == 2
    refused(capsys, str(cache / name), "a link")
    assert user_file.read_text() == "four years of work"


def test_a_dangling_link_creates_nothing_where_it_points(
    make_sources: MakeSources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite (like open(…, "w")) creates the target of a dangling link."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index") == 0
    target = tmp_path / "mine" / "made-by-quotebot.sqlite3"
    target.parent.mkdir()
    (cache / CACHE_NAME).symlink_to(target)
    capsys.readouterr()
    assert cli(folder, cache, "index", "--force", semantic="on") == 2
    refused(capsys, str(cache / CACHE_NAME))
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize("name", [MANIFEST, STATES, CACHE_MARKER])
def test_every_file_the_cache_reads_is_refused_as_a_link(
    make_sources: MakeSources,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
) -> None:
    """Even a link to a copy of the cache's own file: what is read through a link is not
    the cache's."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index") == 0
    copy = tmp_path / f"copy-{name}"
    (cache / name).rename(copy)
    (cache / name).symlink_to(copy)
    before = copy.read_bytes()
    capsys.readouterr()
    assert cli(folder, cache, "ask", QUESTION) == 2
    refused(capsys, str(cache / name), "a link")
    assert copy.read_bytes() == before


def test_a_fifo_at_the_manifest_is_refused_without_waiting_for_a_writer(
    make_sources: MakeSources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    assert cli(folder, cache, "index") == 0
    (cache / MANIFEST).unlink()
    os.mkfifo(cache / MANIFEST)
    capsys.readouterr()
    assert cli(folder, cache, "ask", QUESTION) == 2
    refused(capsys, str(cache / MANIFEST), "not a regular file")


def test_a_link_in_the_current_generation_is_not_read_and_the_index_is_rebuilt(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    load_index(folder, cache)
    (generation,) = cache.glob("gen-*")
    copy = tmp_path / "strings-copy.json"
    (generation / store.STRINGS).rename(copy)
    (generation / store.STRINGS).symlink_to(copy)
    before = copy.read_bytes()
    _, notes = load_index(folder, cache)
    assert any(f"corrupt ({generation.name}/{store.STRINGS})" in n for n in notes)
    assert copy.read_bytes() == before
    assert (generation / store.STRINGS).is_symlink(), "the cache never made it: left in place"
    assert not (generation / "idf.npy").exists(), "the generation's own files are deleted"


def test_a_manifest_naming_a_folder_that_is_not_its_generation_is_not_read(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    """A generation folder replaced by a link to a copy elsewhere, or a name with a path in
    it: the index is rebuilt, nothing read there."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    load_index(folder, cache)
    (generation,) = cache.glob("gen-*")
    elsewhere = tmp_path / "elsewhere"
    generation.rename(elsewhere)
    generation.symlink_to(elsewhere, target_is_directory=True)
    _, notes = load_index(folder, cache)
    assert any(f"{generation.name} is not its folder" in n for n in notes)
    manifest = (cache / MANIFEST).read_text()
    (current,) = (p for p in cache.glob("gen-*") if not p.is_symlink())
    (cache / MANIFEST).write_text(manifest.replace(current.name, "../elsewhere"))
    _, notes = load_index(folder, cache)
    assert any("saved index unreadable (ValidationError)" in n for n in notes)


def test_the_states_are_written_under_a_name_no_one_planted(
    make_sources: MakeSources, tmp_path: Path, user_file: Path
) -> None:
    """The temporary file was `.file-states.json.<pid>`, opened with "w": a link planted
    under that name had the user's file overwritten."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    load_index(folder, cache)
    (cache / f".{STATES}.{os.getpid()}").symlink_to(user_file)
    load_index(folder, cache, force=True)
    assert user_file.read_text() == "four years of work"
    assert (cache / STATES).is_file() and not (cache / STATES).is_symlink()


def test_index_files_are_created_new_never_through_a_link(tmp_path: Path, user_file: Path) -> None:
    planted = tmp_path / "planted.npy"
    planted.symlink_to(user_file)
    with pytest.raises(FileExistsError):
        store._write(planted, lambda out: out.write(b"index bytes"))
    assert user_file.read_text() == "four years of work"
