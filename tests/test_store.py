"""The saved index: outside sources/, reused when current without re-parsing anything, equal to
a fresh build, rebuilt when stale or corrupt, and a build killed halfway leaves the old one."""

from __future__ import annotations

import contextlib
import errno
import os
import resource
import shutil
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import index.store as store
from bot.cli import main
from bot.core.engine import Engine
from index.cache_folder import CACHE_MARKER, GENERATION_MARKER, MARKER_TEXT, mark_generation
from index.errors import DataFileError
from index.file_states import STATES
from index.ingest import ingest, read_sources
from index.search import BM25Params, Retriever
from index.store import LOCK, MANIFEST, build_index, cache_dir_for, load_index
from tests.paths import SOURCES

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
QUESTIONS = [
    "How many detainer requests did Boston police ignore in 2025?",
    "What did ICE say about Boston police?",
    "Who runs the police department?",
]


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any ingestion or passage analysis fail loudly."""

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(store, "build_parts", fail)
    monkeypatch.setattr("index.builder.analyze_source", fail)


def queries(retriever: Retriever) -> list[list[str]]:
    return [retriever.analyzer.terms(q) for q in QUESTIONS]


def generation(sources: Path) -> Path:
    (current,) = cache_dir_for(sources).glob("gen-*")
    return current


def test_cache_lives_outside_the_sources_folder(sources_copy: Path) -> None:
    load_index(sources_copy)
    cache = cache_dir_for(sources_copy)
    assert (cache / MANIFEST).exists()
    assert not cache.resolve().is_relative_to(sources_copy.resolve())
    assert sorted(p.name for p in sources_copy.iterdir()) == sorted(
        p.name for p in SOURCES.iterdir()
    )


def test_current_index_is_reused_and_a_change_is_picked_up(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    first, _ = load_index(folder)
    saved = cache_dir_for(folder) / MANIFEST
    stamp = saved.stat().st_mtime_ns
    load_index(folder)
    assert saved.stat().st_mtime_ns == stamp, "an unchanged corpus is not rebuilt"
    (folder / "b.md").write_text("# Dock\n\nThe dock opened in 1911 after long delays.\n")
    second, notes = load_index(folder)
    assert any("sources changed" in n and "rebuilt" in n for n in notes)
    assert len(second.corpus.documents) == len(first.corpus.documents) + 1
    (folder / "a.txt").write_text(DOC.replace("31", "44"), encoding="utf-8")
    third, _ = load_index(folder)
    assert "44 sailboats" in third.text("a.txt")
    assert third.search(third.analyzer.terms("dock"), 3)


def test_loaded_index_equals_a_fresh_build(sources_copy, monkeypatch):
    built, notes = load_index(sources_copy)
    assert notes == []
    no_parsing(monkeypatch)
    loaded, notes = load_index(sources_copy)
    assert notes == []
    assert len(loaded.passages) == len(built.passages) > 0
    assert list(loaded.passages) == list(built.passages)
    assert loaded.corpus.documents == built.corpus.documents
    assert set(loaded.vocabulary) == set(built.vocabulary)
    for terms in queries(built):
        assert loaded.search(terms, 5) == built.search(terms, 5)
        assert [loaded.idf(t) for t in terms] == [built.idf(t) for t in terms]
    for question in QUESTIONS:
        assert Engine(loaded).ask(question) == Engine(built).ask(question)


def test_loaded_arrays_are_memory_mapped(sources_copy):
    load_index(sources_copy)
    loaded, _ = load_index(sources_copy)
    for array in (loaded.scorer.weights, loaded.scorer.docs, loaded.table.passages):
        assert isinstance(array.base, np.memmap)
        assert not array.flags.writeable


def test_source_ranges_cover_each_document(sources_copy):
    retriever, _ = load_index(sources_copy)
    for name, entry in retriever.documents.items():
        assert entry.passages
        assert {retriever.passages[i].source for i in entry.passages} == {name}
    assert sum(len(e.passages) for e in retriever.documents.values()) == len(retriever.passages)


def test_changed_parameters_are_rebuilt(sources_copy):
    load_index(sources_copy)
    retriever, notes = load_index(sources_copy, params=BM25Params(k1=2.0))
    assert any("parameters changed" in n for n in notes)
    assert retriever.scorer.params.k1 == 2.0


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format_version": 1}'])
def test_corrupt_or_truncated_manifest_is_rebuilt_with_a_note(
    make_sources: MakeSources, damage: bytes
) -> None:
    folder = make_sources({"a.txt": DOC})
    good, _ = load_index(folder)
    saved = cache_dir_for(folder) / MANIFEST
    saved.write_bytes(damage if damage else saved.read_bytes()[:50])
    rebuilt, notes = load_index(folder)
    assert any("rebuilt" in n and str(saved) in n for n in notes)
    assert len(rebuilt.passages) == len(good.passages)
    _, notes = load_index(folder)
    assert notes == [], "the rebuilt index is good again"


@pytest.mark.parametrize(
    "damage",
    [
        lambda gen: (gen / "weights.npy").write_bytes(b"\x93NUMPY garbage"),
        lambda gen: (gen / "docs.npy").unlink(),
        lambda gen: (gen / "strings.json").write_text("{}"),
        lambda gen: shutil.rmtree(gen),
    ],
    ids=["bad-array", "missing-array", "bad-strings", "missing-generation"],
)
def test_corrupt_arrays_are_rebuilt_with_a_note(sources_copy, damage):
    first, _ = load_index(sources_copy)
    damage(generation(sources_copy))
    retriever, notes = load_index(sources_copy)
    assert any("rebuilt" in n for n in notes)
    for terms in queries(first):
        assert retriever.search(terms, 5) == first.search(terms, 5)
    _, notes = load_index(sources_copy)
    assert notes == []


def test_checksums_catch_a_flipped_byte(sources_copy):
    load_index(sources_copy)
    path = generation(sources_copy) / "weights.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    _, notes = load_index(sources_copy)
    assert any("corrupt" in n for n in notes)


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
    saved = cache_dir_for(folder) / MANIFEST
    before = saved.read_bytes()
    # file-states.json: the first load's states of what it hashed (index/file_states.py).
    kept = {MANIFEST, LOCK, CACHE_MARKER, STATES, generation(folder).name}
    (folder / "b.txt").write_text("Another note about the 12 tugboats in port.\n")

    def killed(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("index.store.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        load_index(folder)
    assert saved.read_bytes() == before
    assert {p.name for p in saved.parent.iterdir()} == kept, "no temp file left"


def test_build_killed_while_writing_arrays_leaves_the_old_index(sources_copy, monkeypatch):
    first, _ = load_index(sources_copy)
    target = sources_copy / "ice-clashes-with-boston-police-over-detainers.txt"
    original = target.read_text()
    target.write_text(original + "\nA new line about zeppelins.\n")
    written = []

    real_write = store._write_npy

    def dying_write(out, values):
        if len(written) == 3:
            raise KeyboardInterrupt  # the build is killed while writing its arrays
        written.append(values)
        real_write(out, values)

    with monkeypatch.context() as patch:
        patch.setattr(store, "_write_npy", dying_write)
        with pytest.raises(KeyboardInterrupt):
            load_index(sources_copy)
    target.write_text(original)
    no_parsing(monkeypatch)
    retriever, notes = load_index(sources_copy)
    assert notes == []
    for terms in queries(first):
        assert retriever.search(terms, 5) == first.search(terms, 5)


def test_next_build_clears_leftover_generations(sources_copy):
    load_index(sources_copy)
    folder = cache_dir_for(sources_copy)
    (folder / "gen-leftover").mkdir()  # what a build killed by SIGKILL leaves behind
    mark_generation(folder / "gen-leftover")
    load_index(sources_copy, force=True)
    assert len(list(folder.glob("gen-*"))) == 1
    assert not (folder / "gen-leftover").exists()


def test_concurrent_loads_build_once(sources_copy, monkeypatch):
    builds = []
    real_build = store.build_index

    def counted_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(store, "build_index", counted_build)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: load_index(sources_copy), range(4)))
    assert len(builds) == 1
    terms = queries(results[0][0])[0]
    assert all(r.search(terms, 5) == results[0][0].search(terms, 5) for r, _ in results)
    assert all(notes == [] for _, notes in results)


def test_build_index_matches_retriever_over_ingested_corpus(sources_copy):
    corpus = ingest(read_sources(sources_copy))
    direct = Retriever(corpus)
    built = build_index(read_sources(sources_copy))
    for terms in queries(direct):
        assert built.search(terms, 8) == direct.search(terms, 8)


def test_a_cache_path_that_cannot_be_used_still_answers_with_a_note(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    folder = make_sources({"a.txt": DOC})
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    retriever, notes = load_index(folder, blocked)
    assert retriever.search(retriever.analyzer.terms("sailboats"), 1)
    assert any(str(blocked) in n and "could not be saved" in n for n in notes)


def test_a_manifest_that_disagrees_with_its_arrays_is_rebuilt(sources_copy: Path) -> None:
    good, _ = load_index(sources_copy)
    manifest = cache_dir_for(sources_copy) / MANIFEST
    data = store.Manifest.model_validate_json(manifest.read_bytes())
    manifest.write_text(data.model_copy(update={"sources": data.sources[:1]}).model_dump_json())
    rebuilt, notes = load_index(sources_copy)
    assert any("rebuilt" in n for n in notes)
    assert len(rebuilt.passages) == len(good.passages)


@contextlib.contextmanager
def file_size_limit(size: int) -> Iterator[None]:
    """Writes past `size` bytes of a file fall short, as on a disk with that much room
    left (SIGXFSZ ignored: the write returns short, then fails with EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def test_an_index_that_cannot_be_saved_says_why_and_keeps_the_one_before(
    make_sources: MakeSources,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """np.save hands its file to C, and a short write there lost the errno: `index` on a
    nearly full disk said "(5920 requested and 5616 written)", not what was wrong."""
    folder = make_sources({"a.txt": DOC})
    cache = cache_dir_for(folder)
    load_index(folder)
    before = {p.name for p in cache.iterdir()}
    lines = "".join(f"Line {i} counts {i} tugboats and {i * 7} ferries.\n" for i in range(400))
    (folder / "b.txt").write_text(f"Tugboats\n\n{lines}")
    with file_size_limit(4096):
        code = main(["--sources", str(folder), "index"])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {cache}: the index could not be saved (File too large); "
        "the index saved before is kept\n"
    )
    assert {p.name for p in cache.iterdir()} == before, "nothing left of the failed save"
    (folder / "b.txt").unlink()
    no_parsing(monkeypatch)
    assert main(["--sources", str(folder), "ask", "How many sailboats?", "--json"]) == 0
    assert capsys.readouterr().err == "", "served from the index saved before"


def test_a_save_that_cannot_finish_its_generation_marker_leaves_no_folder(
    make_sources: MakeSources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no room left even the marker is cut short: the folder was then not the cache's
    to delete, and every failed save left one more `gen-*` behind."""
    folder, cache = make_sources({"a.txt": DOC}), tmp_path / "cache"
    load_index(folder, cache)
    before = {p.name for p in cache.iterdir()}

    def cut_short(generation: Path) -> None:
        (generation / GENERATION_MARKER).write_text(MARKER_TEXT[:20])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store, "mark_generation", cut_short)
    for _ in range(2):
        with pytest.raises(DataFileError, match="No space left on device"):
            load_index(folder, cache, force=True, must_save=True)
    assert {p.name for p in cache.iterdir()} == before
