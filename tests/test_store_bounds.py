"""The saved block bounds: a bound too low would silently drop true hits, so a bounds file that
was changed, or that does not fit the postings it bounds, is never served."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import index.store as store
from index.store import MANIFEST, cache_dir_for, load_index
from tests.test_store import generation, queries


def rewrite(sources: Path, name: str, change: Callable[[np.ndarray], np.ndarray]) -> None:
    """Replace a saved array and record its new checksum, as if it had been written so."""
    path = generation(sources) / f"{name}.npy"
    np.save(path, change(np.load(path)), allow_pickle=False)
    manifest_path = cache_dir_for(sources) / MANIFEST
    manifest = store.Manifest.model_validate_json(manifest_path.read_bytes())
    manifest.checksums[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(manifest.model_dump_json())


def test_bounds_are_saved_and_reloaded(sources_copy: Path) -> None:
    built, _ = load_index(sources_copy)
    loaded, notes = load_index(sources_copy)
    assert notes == []
    np.testing.assert_array_equal(loaded.scorer.bounds, built.scorer.bounds)
    assert len(loaded.scorer.bounds) > 0


def test_lowered_bounds_are_caught_by_the_checksum(sources_copy: Path) -> None:
    first, _ = load_index(sources_copy)
    path = generation(sources_copy) / "bounds.npy"
    np.save(path, np.zeros_like(np.load(path)), allow_pickle=False)  # well formed, too low
    retriever, notes = load_index(sources_copy)
    assert any("corrupt" in n and "bounds.npy" in n and "rebuilt" in n for n in notes)
    for terms in queries(first):
        assert retriever.search(terms, 5) == first.search(terms, 5)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("bounds", lambda a: a[:-1]),
        ("bounds", lambda a: np.concatenate([a, a[:3]])),
        ("bounds", lambda a: np.where(np.arange(len(a)) == 0, np.nan, a)),
        ("bounds", lambda a: np.where(np.arange(len(a)) == 0, -1.0, a)),
        ("offsets", lambda a: a[::-1].copy()),
    ],
    ids=["one-short", "extra", "nan", "negative", "offsets-unordered"],
)
def test_bounds_that_do_not_fit_the_postings_are_rebuilt(
    sources_copy: Path, name: str, change: Callable[[np.ndarray], np.ndarray]
) -> None:
    first, _ = load_index(sources_copy)
    rewrite(sources_copy, name, change)
    with pytest.raises(store.CorruptIndex, match="disagree"):
        store.open_index(
            cache_dir_for(sources_copy), store.read_sources(sources_copy), first.scorer.params
        )
    retriever, notes = load_index(sources_copy)
    assert any("rebuilt" in n for n in notes)
    for terms in queries(first):
        assert retriever.search(terms, 5) == first.search(terms, 5)
