"""Sentence vectors in the index: one per quotable sentence, saved and mapped, re-encoded only
where a sentence is new or changed, kept when a build dies halfway, and ignored or added when
the mode changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import index.vectors as vectors_module
from bot.core.engine import Engine
from index.encoder import Encoder, model_of
from index.store import MANIFEST, cache_dir_for, load_index
from index.vectors import SentenceVectors, quantize, sentence_texts
from tests.paths import SOURCES
from tests.test_verbatim import assert_verbatim

DOC = (
    "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n\n"
    "Fishing boats stayed in port during the storm. The pier was closed for repairs.\n"
)


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode; optionally failing after
    `fail_after` calls (a build killed halfway), or posing as another model."""

    def __init__(self, encoder: Encoder, fail_after: int | None = None, fingerprint: str = ""):
        self.inner = encoder
        self.dim = encoder.dim
        self.fingerprint = fingerprint or encoder.fingerprint
        self.encoded: list[str] = []
        self.fail_after = fail_after

    def encode(self, texts: Sequence[str]):
        if self.fail_after is not None and self.fail_after == 0:
            raise KeyboardInterrupt("killed")
        if self.fail_after is not None:
            self.fail_after -= 1
        self.encoded += texts
        return self.inner.encode(texts)

    def encode_query(self, text: str) -> np.ndarray:
        return self.inner.encode_query(text)


def test_every_sentence_has_its_vector(semantic_engine: Engine, encoder: Encoder) -> None:
    retriever = semantic_engine.retriever
    assert retriever.vectors is not None and retriever.encoder is not None
    assert len(retriever.vectors) == len(retriever.table.sentences)
    texts = sentence_texts(retriever.table, retriever.texts)
    fresh = encoder.encode(texts)
    stored = retriever.vectors.get(range(len(texts)))
    # Row i is sentence i: the vector as encoded now, up to the int8 storage's rounding.
    assert (np.sum(fresh * stored, axis=1) > 0.999).all()
    assert (np.argmax(stored @ fresh.T, axis=1) == np.arange(len(texts))).all()


def test_nearest_finds_a_paraphrase_and_maps_to_its_passage(semantic_engine: Engine) -> None:
    retriever = semantic_engine.retriever
    assert retriever.encoder is not None
    query = retriever.encoder.encode_query("Which official confirmed the policy?")
    hits = retriever.nearest(query, 5)
    assert len(hits) == 5
    assert [c for _, c in hits] == sorted((c for _, c in hits), reverse=True)
    texts = sentence_texts(retriever.table, retriever.texts)
    assert any("Commissioner" in texts[i] for i, _ in hits[:3])
    ids = [i for i, _ in hits]
    for sentence, passage in zip(ids, retriever.passage_of(ids).tolist(), strict=True):
        first, stop = retriever.table.passages[passage, 3:5].tolist()
        assert first <= sentence < stop


def test_semantic_answers_stay_verbatim(semantic_engine: Engine) -> None:
    for line in (SOURCES.parent / "tests" / "questions.jsonl").read_text().splitlines():
        assert_verbatim(semantic_engine.ask(json.loads(line)["question"]), semantic_engine)


def test_sentences_are_encoded_as_they_stand(semantic_engine: Engine) -> None:
    retriever = semantic_engine.retriever
    texts = sentence_texts(retriever.table, retriever.texts)
    assert "| Authority for Non-Compliance | Boston Trust Act |" in texts  # a table row
    source = retriever.texts[retriever.table.metas[0].file]
    start, end = retriever.table.sentences[0, :2].tolist()
    assert texts[0] == source[start:end]


def test_quantized_rows_keep_their_cosines() -> None:
    rng = np.random.default_rng(3)
    rows = rng.standard_normal((50, 384)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    vectors = SentenceVectors("m", *quantize(rows))
    query = rows[7]
    assert np.abs(vectors.cosines(query) - rows @ query).max() < 0.01
    assert vectors.nearest(query, 1)[0][0] == 7
    assert len(vectors.nearest(query, 500)) == 50 and vectors.nearest(query, 0) == []


def test_saved_vectors_are_mapped_and_reused(make_sources, encoder: Encoder) -> None:
    folder = make_sources({"a.txt": DOC})
    counting = CountingEncoder(encoder)
    built, _ = load_index(folder, encoder=counting)
    assert len(counting.encoded) == len(built.table.sentences) > 0
    counting.encoded.clear()
    loaded, notes = load_index(folder, encoder=counting)
    assert notes == [] and counting.encoded == []
    assert loaded.vectors is not None and built.vectors is not None
    assert isinstance(loaded.vectors.codes.base, np.memmap)
    assert np.array_equal(loaded.vectors.codes, built.vectors.codes)


def test_rebuild_encodes_only_new_or_changed_sentences(make_sources, encoder: Encoder) -> None:
    folder = make_sources({"a.txt": DOC})
    load_index(folder, encoder=encoder)
    (folder / "a.txt").write_text(DOC.replace("31 sailboats", "44 sailboats"), encoding="utf-8")
    (folder / "b.txt").write_text("Dock Log\n\nThe dock opened in 1911.\n", encoding="utf-8")
    counting = CountingEncoder(encoder)
    retriever, notes = load_index(folder, encoder=counting)
    assert any("sources changed" in n for n in notes)
    assert sorted(counting.encoded) == [
        "The dock opened in 1911.",
        "The harbor master counted 44 sailboats in June.",
    ]
    assert len(retriever.table.sentences) == 5


def test_a_build_killed_halfway_keeps_what_it_encoded(
    make_sources, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vectors_module, "ENCODE_CHUNK", 2)
    folder = make_sources({"a.txt": DOC})
    dying = CountingEncoder(encoder, fail_after=1)
    with pytest.raises(KeyboardInterrupt):
        load_index(folder, encoder=dying)
    assert not (cache_dir_for(folder) / MANIFEST).exists(), "no index from a dead build"
    assert len(dying.encoded) == 2
    counting = CountingEncoder(encoder)
    retriever, _ = load_index(folder, encoder=counting)
    total = len(retriever.table.sentences)
    assert len(counting.encoded) == total - 2
    assert not set(counting.encoded) & set(dying.encoded)


def test_another_model_means_reencoding(make_sources, encoder: Encoder) -> None:
    folder = make_sources({"a.txt": DOC})
    load_index(folder, encoder=encoder)
    other = CountingEncoder(encoder, fingerprint="0" * 64)
    retriever, notes = load_index(folder, encoder=other)
    assert any("sentence vectors of another model" in n for n in notes)
    assert len(other.encoded) == len(retriever.table.sentences)
    assert retriever.vectors is not None and retriever.vectors.model == "0" * 64


def test_modes_switch_without_failing(make_sources, encoder: Encoder) -> None:
    folder = make_sources({"a.txt": DOC})
    lexical, _ = load_index(folder)
    assert lexical.vectors is None and lexical.nearest(np.ones(384), 3) == []
    counting = CountingEncoder(encoder)
    semantic, notes = load_index(folder, encoder=counting)
    assert any("no sentence vectors: built lexical" in n and "rebuilt" in n for n in notes)
    assert semantic.vectors is not None and counting.encoded
    # A semantic index serves lexical mode as it is, without reading the vectors.
    manifest = cache_dir_for(folder) / MANIFEST
    stamp = manifest.stat().st_mtime_ns
    generation = cache_dir_for(folder) / json.loads(manifest.read_text())["generation"]
    (generation / "vectors.npy").write_bytes(b"damaged")
    again, notes = load_index(folder)
    assert notes == [] and again.vectors is None and manifest.stat().st_mtime_ns == stamp
    # Semantic mode notices the damage and rebuilds, from the vector cache.
    counting.encoded.clear()
    rebuilt, notes = load_index(folder, encoder=counting)
    assert any("corrupt" in n for n in notes)
    assert rebuilt.vectors is not None and counting.encoded == []


def test_unwritable_cache_still_gives_vectors(make_sources, encoder: Encoder, tmp_path: Path):
    folder = make_sources({"a.txt": DOC})
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    retriever, notes = load_index(folder, blocked, encoder=encoder)
    assert retriever.vectors is not None and len(retriever.vectors) > 0
    assert any("could not be saved" in n for n in notes)


def test_an_index_with_no_sentences_keeps_its_empty_vectors(make_sources, encoder: Encoder):
    folder = make_sources({"a.txt": ""})
    first, _ = load_index(folder, encoder=encoder)
    assert first.vectors is not None and len(first.vectors) == 0
    again, notes = load_index(folder, encoder=encoder)
    assert not any("stale" in n for n in notes), "an empty vector table is not a lexical index"
    assert again.nearest(encoder.encode_query("harbor"), 5) == []


def test_the_fact_books_vectors_are_encoded_once_then_served_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fact book's targets were encoded at every start (0.16 s of each `ask` over
    sources/). The next start takes them from the vector cache, and they are the very vectors
    the first start used, so no card match changes once they are cached."""
    from bot.loader import load_engine

    cache = tmp_path / "cache"
    first, _ = load_engine(SOURCES, cache, semantic=True)
    assert first.facts is not None and first.facts.fact_vectors
    encoded: list[str] = []
    real = Encoder.encode

    def counting(self: Encoder, texts: Sequence[str]) -> np.ndarray:
        encoded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(Encoder, "encode", counting)
    again, _ = load_engine(SOURCES, cache, semantic=True)
    assert again.facts is not None and encoded == []
    assert len(again.facts.fact_vectors) == len(first.facts.fact_vectors)
    for a, b in zip(again.facts.fact_vectors, first.facts.fact_vectors, strict=True):
        assert np.array_equal(a, b)


def test_vectors_of_the_same_model_run_another_way_are_reencoded(
    make_sources, encoder: Encoder
) -> None:
    """Vectors from padded batches (before each sentence ran alone) share the model's
    checksum but not the way it ran: re-encoded, and the note says which it is."""
    folder = make_sources({"a.txt": DOC})
    model = model_of(encoder.fingerprint)
    load_index(folder, encoder=CountingEncoder(encoder, fingerprint=f"{model}+batched"))
    counting = CountingEncoder(encoder)
    retriever, notes = load_index(folder, encoder=counting)
    assert any("sentence vectors encoded another way" in n for n in notes)
    assert len(counting.encoded) == len(retriever.table.sentences)
