"""The sentence-vector cache is data the bot wrote, checked when read back: a damaged file is
rebuilt with a note (only in a folder the cache made), a full disk is a note, and every
answer comes out as it would without the cache."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from index.cache_files import CacheFolderError
from index.encoder import Encoder
from index.store import load_index
from index.vector_cache import CACHE_NAME, VectorCache
from tests.facts.corpus import FACTS, MANIFEST, REPORT

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Depot Notes\n\n" + "".join(f"Clerk {i} logged {i + 3} crates.\n" for i in range(40))
QUESTION = "How many crates did clerk 7 log?"


@pytest.fixture
def built(make_sources: MakeSources, tmp_path: Path, encoder: Encoder) -> tuple[Path, Path]:
    """Sources with curated facts, and a cache holding their semantic index."""
    files = {"depot.txt": DOC, "report.txt": REPORT, "sources.toml": MANIFEST, "facts.toml": FACTS}
    folder, cache = make_sources(files), tmp_path / "cache"
    load_index(folder, cache, encoder=encoder)
    return folder, cache


def rows(cache: Path) -> int:
    with sqlite3.connect(cache / CACHE_NAME) as db:
        count = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    db.close()
    return count


def damage(cache: Path, sql: str) -> None:
    with sqlite3.connect(cache / CACHE_NAME) as db:
        db.execute(sql)
    db.close()


def ask(folder: Path, cache: Path) -> int:
    return main(
        [
            "--sources",
            str(folder),
            "--cache",
            str(cache),
            "--semantic",
            "on",
            "ask",
            QUESTION,
            "--json",
        ]
    )


def rebuilt_note(notes: list[str], cache: Path, reason: str) -> None:
    (note,) = [n for n in notes if CACHE_NAME in n]
    assert note == f"{cache / CACHE_NAME}: sentence-vector cache unreadable ({reason}); rebuilt."


def test_the_issue_repro_a_page_of_random_bytes_is_rebuilt_with_a_note(
    built: tuple[Path, Path], encoder: Encoder
) -> None:
    """ "database disk image is malformed", and every later ask and `index --force` failed
    until the file was deleted by hand."""
    folder, cache = built
    size = (cache / CACHE_NAME).stat().st_size
    assert size >= 3 * 4096
    with open(cache / CACHE_NAME, "r+b") as f:
        f.seek(size - 4096)  # the last leaf of the vectors' table
        f.write(np.random.default_rng(0).bytes(4096))
    fresh, notes = load_index(folder, cache, encoder=encoder, force=True)
    rebuilt_note(notes, cache, "database disk image is malformed")
    assert rows(cache) > 0
    again, notes = load_index(folder, cache, encoder=encoder, force=True)
    assert notes == []
    assert again.vectors is not None and fresh.vectors is not None
    assert np.array_equal(again.vectors.codes, fresh.vectors.codes)


def test_a_file_that_is_not_a_database_is_rebuilt_not_silently_skipped(
    built: tuple[Path, Path], encoder: Encoder
) -> None:
    folder, cache = built
    (cache / CACHE_NAME).write_bytes(np.random.default_rng(1).bytes(3 * 4096))
    _, notes = load_index(folder, cache, encoder=encoder, force=True)
    rebuilt_note(notes, cache, "file is not a database")
    assert rows(cache) > 0, "and used again: the next build encodes nothing it holds"


def test_codes_of_the_wrong_length_are_not_served(
    built: tuple[Path, Path], encoder: Encoder, tmp_path: Path
) -> None:
    """`ValueError: could not broadcast…` before."""
    folder, cache = built
    damage(cache, "UPDATE vectors SET codes = substr(codes, 1, 10)")
    retriever, notes = load_index(folder, cache, encoder=encoder, force=True)
    rebuilt_note(notes, cache, f"a vector of 10 components, not {encoder.dim}")
    fresh, _ = load_index(folder, tmp_path / "fresh", encoder=encoder)
    assert retriever.vectors is not None and fresh.vectors is not None
    assert np.array_equal(retriever.vectors.codes, fresh.vectors.codes)


def test_a_scale_that_is_not_a_number_is_not_served(built: tuple[Path, Path], encoder: Encoder):
    folder, cache = built
    damage(cache, "UPDATE vectors SET scale = 'NaN'")
    _, notes = load_index(folder, cache, encoder=encoder, force=True)
    rebuilt_note(notes, cache, "a vector scale of 'NaN'")


def test_the_issue_repro_a_foreign_schema_is_rebuilt(
    built: tuple[Path, Path], encoder: Encoder, capsys: pytest.CaptureFixture[str]
) -> None:
    """`no such column: sha` before; here through `ask`, which reads the fact book's vectors
    from the cache."""
    folder, cache = built
    (cache / CACHE_NAME).unlink()
    damage(cache, "CREATE TABLE vectors (a, b)")
    code = ask(folder, cache)
    assert code == 0
    assert json.loads(capsys.readouterr().out)["status"] == "answered"
    _, notes = load_index(folder, cache, encoder=encoder, force=True)
    assert notes == [] and rows(cache) > 0


def test_tables_beside_the_caches_own_are_a_foreign_schema(
    built: tuple[Path, Path], encoder: Encoder
) -> None:
    folder, cache = built
    damage(cache, "CREATE TABLE accounts (name TEXT)")
    _, notes = load_index(folder, cache, encoder=encoder, force=True)
    rebuilt_note(notes, cache, "tables not of its own making")


def test_a_damaged_file_outside_a_cache_folder_is_left_as_it_is(tmp_path: Path) -> None:
    """Only a file in a folder carrying the cache's marker is the cache's to delete (a
    benchmark keeps its cache in /tmp)."""
    path = tmp_path / CACHE_NAME
    path.write_bytes(b"not a database, and not quotebot's" * 200)
    before = path.read_bytes()
    with VectorCache.open(path, "model", 4) as cache:
        assert cache is not None
        assert cache.get([b"k" * 32]) == {}
        cache.put([(b"k" * 32, b"\x01" * 4, 0.5)])
        (note,) = cache.notes
    assert "file is not a database" in note and "nor deleted" in note
    assert path.read_bytes() == before


def test_a_link_found_when_the_cache_is_opened_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "theirs.sqlite3"
    (tmp_path / CACHE_NAME).symlink_to(target)
    with (
        pytest.raises(CacheFolderError, match="a link"),
        VectorCache.open(tmp_path / CACHE_NAME, "model", 4),
    ):
        pass
    assert not target.exists()


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own "database or disk is full" (SQLITE_FULL): no database may grow a page."""
    connect = sqlite3.connect

    def no_room(path: Path, *args: object, **kwargs: object) -> sqlite3.Connection:
        db = connect(path, *args, **kwargs)  # type: ignore[arg-type]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return db

    monkeypatch.setattr(sqlite3, "connect", no_room)


def test_the_issue_repro_ask_on_a_full_disk_answers_from_the_saved_index(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture[str], full_disk: None
) -> None:
    """The fact book's vectors are put in the cache at the first `ask`: with the disk full,
    a traceback (`database or disk is full`) before. The saved index is current, so it
    answers, and says in one line that the disk is full."""
    folder, cache = built
    code = ask(folder, cache)
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["status"] == "answered"
    assert err == (
        f"warning: {cache}: No space left on device: the sentence vectors encoded now are "
        "not kept (they are encoded again next time)\n"
    )


def test_a_full_disk_met_by_the_build_and_the_fact_book_is_said_once(
    built: tuple[Path, Path], capsys: pytest.CaptureFixture[str], full_disk: None
) -> None:
    """Sources changed: the build's vectors and the facts' measures are both refused by the
    full cache, each with the same note; the user reads it once."""
    folder, cache = built
    more = "".join(f"Porter {i} carried {i + 5} barrels.\n" for i in range(60))
    (folder / "depot.txt").write_text(DOC + more)
    assert ask(folder, cache) == 0
    err = capsys.readouterr().err
    assert err.count("No space left on device") == 1, err


def test_a_build_on_a_full_disk_keeps_encoding(
    make_sources: MakeSources, tmp_path: Path, encoder: Encoder, full_disk: None
) -> None:
    folder, cache = make_sources({"depot.txt": DOC}), tmp_path / "cache"
    retriever, notes = load_index(folder, cache, encoder=encoder)
    assert retriever.vectors is not None and len(retriever.vectors) == len(
        retriever.table.sentences
    )
    assert any("No space left on device" in n for n in notes)


@pytest.mark.parametrize(
    ("free_blocks", "note"),
    [
        (0, "{folder}: No space left on device: the sentence vectors encoded now are not kept"),
        (1000, "{folder}/vectors.sqlite3: sentence vectors not kept (disk I/O error)"),
    ],
)
def test_an_io_error_on_a_disk_without_room_is_named_as_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, free_blocks: int, note: str
) -> None:
    """SQLite keeps the errno to itself: a WAL database on a full disk fails to grow its -shm
    file with "disk I/O error" (SQLITE_IOERR_SHMSIZE), which was all the note said."""
    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"

    def connect(*_args: object, **_kwargs: object) -> sqlite3.Connection:
        raise error

    disk = os.statvfs_result((4096, 4096, 10_000, free_blocks, free_blocks, 100, 0, 0, 0, 255))
    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(os, "statvfs", lambda _path: disk)
    with VectorCache.open(tmp_path / CACHE_NAME, "model", 4) as cache:
        assert cache is not None and cache.get([b"k" * 32]) == {}
    (written,) = cache.notes
    assert written.startswith(note.format(folder=tmp_path))
