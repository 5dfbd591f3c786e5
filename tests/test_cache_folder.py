"""The index cache writes only in folders it can prove it made and deletes only what it marked:
a `--cache` pointed at a folder of the user's, or at the sources folder, is refused untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

import index.store as store
from bot.cli import main
from index.cache_files import CacheFolderError
from index.cache_folder import CACHE_MARKER, GENERATION_MARKER
from index.file_states import STATES
from index.store import MANIFEST, load_index

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
ZEBRAS = "Gen AI\n\nIt counted 60 zebras.\n"


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for folders): what must not change."""
    return {
        str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes()
        for p in sorted(folder.rglob("*"))
    }


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    return err


def test_the_issue_repro_cache_in_the_sources_folder_is_refused_untouched(
    sources_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sources_copy / "gen-ai").mkdir()
    (sources_copy / "gen-ai" / "a.md").write_text(ZEBRAS)
    before = tree(sources_copy)
    code = main(["--sources", str(sources_copy), "--cache", str(sources_copy), "index"])
    assert code == 2
    err = one_error_line(capsys)
    assert str(sources_copy) in err and "inside the sources folder" in err
    assert tree(sources_copy) == before, "nothing written, nothing deleted"


def test_a_cache_inside_the_sources_folder_is_refused(
    make_sources: MakeSources, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    before = tree(folder)
    code = main(["--sources", str(folder), "--cache", str(folder / "sub" / "idx"), "ask", "x"])
    assert code == 2
    assert "inside the sources folder" in one_error_line(capsys)
    assert tree(folder) == before


def test_quotebot_cache_env_inside_the_sources_folder_is_refused(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_sources({"a.txt": DOC})
    monkeypatch.setenv("QUOTEBOT_CACHE", str(folder))
    with pytest.raises(CacheFolderError, match="inside the sources folder"):
        load_index(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_a_folder_of_the_users_is_refused_and_its_manifest_kept(
    make_sources: MakeSources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_sources({"a.txt": DOC})
    mine = tmp_path / "mine"
    (mine / "gen-ai").mkdir(parents=True)
    (mine / "gen-ai" / "a.md").write_text(ZEBRAS)
    (mine / MANIFEST).write_text('{"my": "shopping list"}')
    before = tree(mine)
    code = main(["--sources", str(folder), "--cache", str(mine), "ask", "sailboats?"])
    assert code == 2
    err = one_error_line(capsys)
    assert str(mine) in err and "not a quotebot index cache" in err
    assert tree(mine) == before


def test_a_users_gen_folder_in_a_real_cache_survives_a_rebuild(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    load_index(folder, cache)
    (cache / "gen-mine").mkdir()
    (cache / "gen-mine" / "notes.txt").write_text("mine")
    (cache / "gen-link").symlink_to(tmp_path / "linked", target_is_directory=True)
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / GENERATION_MARKER).write_text("not the real marker")
    load_index(folder, cache, force=True)
    assert (cache / "gen-mine" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "linked" / GENERATION_MARKER).exists()
    assert (cache / "gen-link").is_symlink()
    current = [p for p in cache.glob("gen-*") if p.name not in ("gen-mine", "gen-link")]
    assert len(current) == 1, "the previous generation, which is the cache's own, is deleted"


def test_an_empty_folder_becomes_a_marked_cache(make_sources: MakeSources, tmp_path: Path) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "empty"
    cache.mkdir()
    load_index(folder, cache)
    assert (cache / CACHE_MARKER).is_file() and (cache / MANIFEST).is_file()
    (generation,) = cache.glob("gen-*")
    assert (generation / GENERATION_MARKER).is_file()
    _, notes = load_index(folder, cache)
    assert notes == [], "reused"


def unmarked_cache(folder: Path, cache: Path) -> Path:
    """A cache as versions before markers wrote it; its generation folder."""
    load_index(folder, cache)
    (cache / CACHE_MARKER).unlink()
    (cache / STATES).unlink()  # file states came after markers (index/file_states.py)
    (old,) = cache.glob("gen-*")
    (old / GENERATION_MARKER).unlink()
    return old


def test_the_issue_repro_a_users_folder_that_looks_like_an_old_cache_is_refused_untouched(
    make_sources: MakeSources, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A manifest.json with the index's keys and a gen-2023/ holding only index file names
    were taken for a cache of an earlier version: "saved index unreadable; rebuilt", and
    gen-2023 deleted. Only the marker proves a folder is the cache's."""
    folder = make_sources({"a.txt": DOC})
    mine = tmp_path / "mine"
    (mine / "gen-2023").mkdir(parents=True)
    (mine / "gen-2023" / "strings.json").write_text('{"my": "strings"}')
    (mine / MANIFEST).write_text('{"format_version": 5, "generation": "gen-2023"}')
    before = tree(mine)
    for command in (["ask", "sailboats?"], ["index"], ["index", "--force"]):
        assert main(["--sources", str(folder), "--cache", str(mine), *command]) == 2
        err = one_error_line(capsys)
        assert str(mine) in err and "not a quotebot index cache" in err
        assert tree(mine) == before


def test_an_unmarked_cache_of_an_earlier_version_is_refused_untouched(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    """Nothing tells it from a folder of the user's that looks the same, so it is refused
    like one (the message names the marker it lacks); deleting it is the user's call."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "old"
    unmarked_cache(folder, cache)
    (cache / "gen-killed").mkdir()  # an earlier version's build killed before writing
    before = tree(cache)
    for force in (False, True):
        with pytest.raises(
            CacheFolderError, match=f"not a quotebot index cache .no {CACHE_MARKER}"
        ):
            load_index(folder, cache, force=force)
    assert tree(cache) == before


def test_an_old_looking_cache_with_a_users_file_in_a_generation_is_refused(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "old"
    old = unmarked_cache(folder, cache)
    (old / "thesis.md").write_text("four years of work")
    with pytest.raises(CacheFolderError, match="not a quotebot index cache"):
        load_index(folder, cache, force=True)
    assert (old / "thesis.md").read_text() == "four years of work"


def test_a_users_file_in_a_marked_generation_survives_its_deletion(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    """The marker makes a generation folder the cache's own, not whatever is put in it: a
    superseded generation loses the index's files, and keeps the folder while a file of the
    user's is left in it."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    load_index(folder, cache)
    (old,) = cache.glob("gen-*")
    (old / "thesis.md").write_text("four years of work")
    load_index(folder, cache, force=True)
    assert sorted(p.name for p in old.iterdir()) == [GENERATION_MARKER, "thesis.md"]
    assert (old / "thesis.md").read_text() == "four years of work"
    load_index(folder, cache, force=True)
    assert old.exists() and len(list(cache.glob("gen-*"))) == 2, "only the current one besides"


def test_a_generation_is_marked_before_any_array_is_written(
    make_sources: MakeSources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So a build killed at any point (SIGKILL runs no cleanup) leaves a folder the next build
    may delete."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    marked: list[bool] = []
    real_write = store._write

    def write(path: Path, writer: Callable[[BinaryIO], object]) -> str:
        marked.append((path.parent / GENERATION_MARKER).is_file())
        return real_write(path, writer)

    monkeypatch.setattr(store, "_write", write)
    load_index(folder, cache)
    assert len(marked) > len(store.ARRAYS) and all(marked)
