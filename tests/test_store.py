"""The saved index: same answers as a fresh build, no re-parsing on load, rebuilt when stale or
corrupt, and a build killed halfway leaves the previous index in service."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import index.store as store
from bot.engine import Engine
from index.ingest import ingest, read_sources
from index.search import BM25Params, Retriever
from index.store import MANIFEST, build_index, load_index

SOURCES = Path(__file__).resolve().parents[1] / "sources"
QUESTIONS = [
    "How many detainer requests did Boston police ignore in 2025?",
    "What did ICE say about Boston police?",
    "Who runs the police department?",
]


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUOTEBOT_CACHE", str(tmp_path / "cache"))
    return Path(shutil.copytree(SOURCES, tmp_path / "sources"))


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any ingestion or passage analysis fail loudly."""

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(store, "ingest", fail)
    monkeypatch.setattr("index.search.analyze_passages", fail)


def queries(retriever: Retriever) -> list[list[str]]:
    return [retriever.analyzer.terms(q) for q in QUESTIONS]


def test_loaded_index_equals_a_fresh_build(sources, monkeypatch):
    built, notes = load_index(sources)
    assert notes == []
    no_parsing(monkeypatch)
    loaded, notes = load_index(sources)
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


def test_loaded_arrays_are_memory_mapped(sources):
    load_index(sources)
    loaded, _ = load_index(sources)
    for array in (loaded.scorer.weights, loaded.scorer.docs, loaded.table.passages):
        assert isinstance(array.base, np.memmap)
        assert not array.flags.writeable


def test_source_ranges_cover_each_document(sources):
    retriever, _ = load_index(sources)
    for name, entry in retriever.documents.items():
        assert entry.passages
        assert {retriever.passages[i].source for i in entry.passages} == {name}
    assert sum(len(e.passages) for e in retriever.documents.values()) == len(retriever.passages)


def test_changed_source_is_rebuilt_with_a_note(sources):
    load_index(sources)
    target = sources / "ice-clashes-with-boston-police-over-detainers.txt"
    target.write_text(target.read_text() + "\nThe zeppelin landed on the common.\n")
    retriever, notes = load_index(sources)
    assert any("sources changed" in n and "rebuilt" in n for n in notes)
    assert retriever.search(retriever.analyzer.terms("zeppelin"), 3)


def test_changed_parameters_are_rebuilt(sources):
    load_index(sources)
    retriever, notes = load_index(sources, params=BM25Params(k1=2.0))
    assert any("parameters changed" in n for n in notes)
    assert retriever.params.k1 == 2.0


@pytest.mark.parametrize(
    "damage",
    [
        lambda gen, folder: (gen / "weights.npy").write_bytes(b"\x93NUMPY garbage"),
        lambda gen, folder: (gen / "docs.npy").unlink(),
        lambda gen, folder: (gen / "strings.json").write_text("{}"),
        lambda gen, folder: shutil.rmtree(gen),
        lambda gen, folder: (folder / MANIFEST).write_text('{"format_version": 2'),
    ],
    ids=["bad-array", "missing-array", "bad-strings", "missing-generation", "bad-manifest"],
)
def test_corrupt_index_is_rebuilt_with_a_note(sources, damage):
    first, _ = load_index(sources)
    folder = store.cache_dir_for(sources)
    (generation,) = folder.glob("gen-*")
    damage(generation, folder)
    retriever, notes = load_index(sources)
    assert any("rebuilt" in n for n in notes)
    for terms in queries(first):
        assert retriever.search(terms, 5) == first.search(terms, 5)
    _, notes = load_index(sources)
    assert notes == []


def test_checksums_catch_a_flipped_byte(sources):
    load_index(sources)
    (generation,) = store.cache_dir_for(sources).glob("gen-*")
    path = generation / "weights.npy"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    _, notes = load_index(sources)
    assert any("corrupt" in n for n in notes)


def test_build_killed_halfway_leaves_the_old_index(sources, monkeypatch):
    first, _ = load_index(sources)
    target = sources / "ice-clashes-with-boston-police-over-detainers.txt"
    original = target.read_text()
    target.write_text(original + "\nA new line about zeppelins.\n")
    saved = []

    def dying_save(out, values, **kwargs):
        if len(saved) == 3:
            raise KeyboardInterrupt  # the build is killed while writing its arrays
        saved.append(values)
        np.lib.format.write_array(out, values, allow_pickle=False)

    monkeypatch.setattr(store.np, "save", dying_save)
    with pytest.raises(KeyboardInterrupt):
        load_index(sources)
    monkeypatch.undo()
    monkeypatch.setenv("QUOTEBOT_CACHE", str(sources.parent / "cache"))
    target.write_text(original)
    no_parsing(monkeypatch)
    retriever, notes = load_index(sources)
    assert notes == []
    for terms in queries(first):
        assert retriever.search(terms, 5) == first.search(terms, 5)


def test_next_build_clears_leftover_generations(sources):
    load_index(sources)
    folder = store.cache_dir_for(sources)
    (folder / "gen-leftover").mkdir()
    load_index(sources, force=True)
    assert len(list(folder.glob("gen-*"))) == 1
    assert not (folder / "gen-leftover").exists()


def test_build_index_matches_retriever_over_ingested_corpus(sources):
    corpus = ingest(read_sources(sources))
    direct = Retriever(corpus)
    built = build_index(read_sources(sources))
    for terms in queries(direct):
        assert built.search(terms, 8) == direct.search(terms, 8)


def test_concurrent_loads_build_once(sources, monkeypatch):
    builds = []
    real_build = store.build_index

    def counted_build(*args, **kwargs):
        builds.append(1)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(store, "build_index", counted_build)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: load_index(sources), range(4)))
    assert len(builds) == 1
    terms = queries(results[0][0])[0]
    assert all(r.search(terms, 5) == results[0][0].search(terms, 5) for r, _ in results)
    assert all(notes == [] for _, notes in results)
