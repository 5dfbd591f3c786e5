"""Each sentence's terms are analyzed once, at build time, saved, and checked when loaded."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.store import cache_dir_for, load_index
from index.vectors import sentence_texts


def test_saved_terms_are_each_sentences_own_analysis(sources_copy: Path) -> None:
    load_index(sources_copy)
    loaded, notes = load_index(sources_copy)
    assert notes == []
    names = loaded.term_names
    texts = sentence_texts(loaded.table, loaded.texts)
    for sid, text in enumerate(texts):
        row = {names[t]: n for t, n in loaded.sentence_terms.row(sid).items()}
        assert row == dict(Counter(loaded.analyzer.terms(text)))
    for hid, heading in enumerate(loaded.table.headings):
        row = {names[t]: n for t, n in loaded.heading_terms.row(hid).items()}
        assert row == dict(Counter(loaded.analyzer.terms(heading)))


def test_a_passage_is_indexed_as_its_heading_and_its_sentences(sources_copy: Path) -> None:
    retriever, _ = load_index(sources_copy)
    p, scorer = retriever.passages.passages, retriever.scorer
    for pid in range(len(retriever.passages)):
        expected: Counter[int] = Counter()
        for sid in range(int(p[pid, 3]), int(p[pid, 4])):
            expected.update(retriever.sentence_terms.row(sid))
        if p[pid, 5] >= 0:
            expected.update(retriever.heading_terms.row(int(p[pid, 5])))
        postings = np.flatnonzero(np.asarray(scorer.docs) == pid)
        indexed = np.searchsorted(np.asarray(scorer.offsets), postings, side="right") - 1
        assert set(indexed.tolist()) == set(expected)


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("sentence_term_offsets", lambda a: a[:-1]),
        ("sentence_term_ids", lambda a: a + 10**6),
        ("heading_term_offsets", lambda a: a[::-1].copy()),
    ],
)
def test_damaged_term_arrays_are_rebuilt(sources_copy: Path, name: str, damage) -> None:
    good, _ = load_index(sources_copy)
    folder = cache_dir_for(sources_copy)
    manifest = store.Manifest.model_validate_json((folder / store.MANIFEST).read_bytes())
    path = folder / manifest.generation / f"{name}.npy"
    np.save(path, damage(np.load(path)))
    # The checksum would catch it; make it match, so the shape checks are what is tested.
    manifest.checksums[f"{name}.npy"] = store._sha256_file(path) or ""
    (folder / store.MANIFEST).write_text(manifest.model_dump_json())
    rebuilt, notes = load_index(sources_copy)
    assert any("rebuilt" in n for n in notes)
    assert rebuilt.sentence_terms.row(0) == good.sentence_terms.row(0)
