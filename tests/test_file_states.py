"""Loading reads and hashes only what changed (index/file_states.py), and quotes come from the
mapped source files (index/source_text.py) exactly as from the decoded text."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.errors import DataFileError
from index.layout import line_of_offset
from index.source_text import STRIDE, SourceText, line_at
from index.store import cache_dir_for, load_index

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
SAME_SIZE = DOC.replace("31", "32")
OTHER = "Dock Report\r\n\r\nThe dock – east side – held 12 barges in May.\r\n"
OLD = 1_600_000_000  # an mtime long past: out of the racy window (file_states.RACY_NS)


def age(folder: Path) -> None:
    """Every file's mtime set long into the past, as for files not touched in a while."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))


def no_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading a source, or hashing an index file, fail loudly."""

    def fail(*_args: object) -> None:
        raise AssertionError("a file was read to be hashed")

    monkeypatch.setattr("index.ingest.read_source", fail)
    monkeypatch.setattr("index.store.hashed_state", fail)


def generation_file(sources: Path, name: str) -> Path:
    (current,) = cache_dir_for(sources).glob("gen-*")
    return current / name


def test_an_unchanged_index_loads_without_reading_or_hashing_a_file(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_sources({"a.txt": DOC, "b.txt": OTHER})
    age(folder)
    load_index(folder)  # the build: the sources' states are recorded
    age(cache_dir_for(folder))
    load_index(folder)  # the index files' mtimes changed: hashed once, and recorded
    no_hashing(monkeypatch)
    retriever, notes = load_index(folder)
    assert notes == []
    text = retriever.text("b.txt")
    assert isinstance(text, SourceText), "a loaded index maps its sources, holds no str"
    assert text[:] == OTHER
    assert retriever.search(retriever.analyzer.terms("barges"), 3)


def test_a_change_of_the_same_size_is_seen_by_its_mtime(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    age(folder)
    load_index(folder)
    (folder / "a.txt").write_text(SAME_SIZE, encoding="utf-8")  # same size, mtime now
    retriever, _ = load_index(folder)
    assert retriever.text("a.txt")[:] == SAME_SIZE


def test_a_change_within_the_mtime_granularity_is_hashed(make_sources: MakeSources) -> None:
    """Same size, and the mtime it was hashed with: a file hashed soon after it was written
    may be written again within the same timestamp tick, so it is hashed again."""
    folder = make_sources({"a.txt": DOC})  # written just now
    load_index(folder)
    path = folder / "a.txt"
    stamp = path.stat().st_mtime_ns
    path.write_text(SAME_SIZE, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    retriever, _ = load_index(folder)
    assert retriever.text("a.txt")[:] == SAME_SIZE


def test_index_force_hashes_a_change_that_kept_size_and_an_old_mtime(
    make_sources: MakeSources,
) -> None:
    """The documented limitation (index/file_states.py): a same-size change with the old mtime
    put back is not seen by a plain load; `index --force` (force=True) hashes everything."""
    folder = make_sources({"a.txt": DOC})
    age(folder)
    load_index(folder)
    (folder / "a.txt").write_text(SAME_SIZE, encoding="utf-8")
    age(folder)
    now = hashlib.sha256((folder / "a.txt").read_bytes()).hexdigest()
    stale, _ = load_index(folder)
    assert stale.documents["a.txt"].sha256 != now
    rebuilt, _ = load_index(folder, force=True)
    assert rebuilt.documents["a.txt"].sha256 == now
    assert rebuilt.text("a.txt")[:] == SAME_SIZE


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_tampered_index_file_is_caught_even_with_its_mtime_put_back(
    make_sources: MakeSources, damage: str
) -> None:
    """Right after a build the index files are inside the racy window, so they are hashed;
    once aged, a truncated file's size no longer matches its state, so it is hashed."""
    folder = make_sources({"a.txt": DOC})
    load_index(folder)
    if damage == "truncate":
        age(cache_dir_for(folder))
    load_index(folder)  # records the index files' states
    path = generation_file(folder, "weights.npy")
    stamp = path.stat().st_mtime_ns
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[-1] ^= 0xFF
    else:
        del data[-4:]
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stamp, stamp))
    _, notes = load_index(folder)
    assert any("corrupt" in n and "weights.npy" in n and "rebuilt" in n for n in notes)


def test_an_unreadable_states_file_means_hashing_everything(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    load_index(folder)
    (cache_dir_for(folder) / "file-states.json").write_text("{not json")
    (folder / "a.txt").write_text(SAME_SIZE, encoding="utf-8")
    retriever, notes = load_index(folder)
    assert retriever.text("a.txt")[:] == SAME_SIZE
    assert any("stale (sources changed)" in n for n in notes)


def test_a_source_replaced_while_loaded_is_served_as_indexed(tmp_path: Path) -> None:
    """An editor's save (a new file renamed over the old) leaves the mapped text in service."""
    path = tmp_path / "a.txt"
    path.write_text(OTHER, encoding="utf-8")
    mapped = SourceText(path)
    assert mapped[0:4] == "Dock"
    spare = tmp_path / "a.txt.new"
    spare.write_text("Something else entirely.\n", encoding="utf-8")
    os.replace(spare, path)
    assert mapped[:] == OTHER


def test_a_source_rewritten_in_place_while_loaded_is_refused(tmp_path: Path) -> None:
    """Rewritten in place, its bytes change under the mapping (and a truncated end would kill
    the process): each read refuses it with one line instead."""
    path = tmp_path / "a.txt"
    path.write_text(OTHER, encoding="utf-8")
    mapped = SourceText(path)
    assert mapped[0:4] == "Dock"
    with open(path, "w", encoding="utf-8") as f:
        f.write("Dock")
    with pytest.raises(DataFileError, match="changed in place since the index was loaded"):
        mapped[0:4]


PIECES = ["a", "Z", " ", "\n", "\r", "\r\n", "–", "é", "\U0001f600", "\ufeff", "."]


@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=6 * STRIDE).map("".join),
    st.data(),
)
def test_mapped_text_slices_and_lines_as_the_decoded_text(
    tmp_path_factory: pytest.TempPathFactory, text: str, data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("text") / "t.txt"
    path.write_bytes(text.encode("utf-8"))
    mapped = SourceText(path)
    assert len(mapped) == len(text)
    assert str(mapped) == text
    for _ in range(20):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        assert mapped[start:end] == text[start:end]
        assert line_at(mapped, start) == line_of_offset(text, start)
