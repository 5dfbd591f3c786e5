"""The saved index: outside sources/, reused when current, rebuilt when stale or corrupt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.errors import DataFileError
from index.store import INDEX_FILE, cache_dir_for, load_index

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"


def test_cache_lives_outside_the_sources_folder(sources_copy: Path) -> None:
    load_index(sources_copy)
    cache = cache_dir_for(sources_copy)
    assert (cache / INDEX_FILE).exists()
    assert not cache.resolve().is_relative_to(sources_copy.resolve())
    assert sorted(p.name for p in sources_copy.iterdir()) == sorted(
        p.name for p in (Path(__file__).parents[1] / "sources").iterdir()
    )


def test_current_index_is_reused_and_a_change_is_picked_up(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    first, _ = load_index(folder)
    saved = cache_dir_for(folder) / INDEX_FILE
    stamp = saved.stat().st_mtime_ns
    load_index(folder)
    assert saved.stat().st_mtime_ns == stamp, "an unchanged corpus is not rebuilt"
    (folder / "b.md").write_text("# Dock\n\nThe dock opened in 1911 after long delays.\n")
    second, _ = load_index(folder)
    assert len(second.corpus.documents) == len(first.corpus.documents) + 1
    (folder / "a.txt").write_text(DOC.replace("31", "44"), encoding="utf-8")
    third, _ = load_index(folder)
    assert "44 sailboats" in third.text("a.txt")


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format_version": 1}'])
def test_corrupt_or_truncated_index_is_rebuilt_with_a_note(
    make_sources: MakeSources, damage: bytes
) -> None:
    folder = make_sources({"a.txt": DOC})
    good, _ = load_index(folder)
    saved = cache_dir_for(folder) / INDEX_FILE
    saved.write_bytes(damage if damage else saved.read_bytes()[:50])
    rebuilt, notes = load_index(folder)
    assert any("rebuilt" in n and str(saved) in n for n in notes)
    assert len(rebuilt.passages) == len(good.passages)
    _, notes = load_index(folder)
    assert notes == [], "the rebuilt file is good again"


def test_broken_sources_are_skipped_by_name_and_line_the_rest_served(
    make_sources: MakeSources,
) -> None:
    folder = make_sources(
        {
            "good.txt": DOC,
            "latin1.txt": "Line one is fine.\nCaf\xe9 ol\xe9.\n".encode("latin-1"),
            "empty.md": "   \n",
        }
    )
    retriever, notes = load_index(folder)
    assert [d.meta.file for d in retriever.corpus.documents] == ["good.txt"]
    assert any("latin1.txt:2" in n and "UTF-8" in n for n in notes)
    assert any("empty.md" in n and "empty" in n for n in notes)


def test_missing_sources_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="sources directory not found"):
        load_index(tmp_path / "nope")


def test_killed_write_leaves_the_old_index(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_sources({"a.txt": DOC})
    load_index(folder)
    saved = cache_dir_for(folder) / INDEX_FILE
    before = saved.read_bytes()
    (folder / "b.txt").write_text("Another note about the 12 tugboats in port.\n")

    def killed(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("index.store.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        load_index(folder)
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [INDEX_FILE], "no temp file left"
