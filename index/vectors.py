"""Sentence vectors of the index: one per quotable sentence, int8 with a scale per row.

Row i is sentence i of `PassageTable.sentences` (prose sentences, FAQ lines, table rows: the
units the engine quotes), encoded as its text stands. Table rows keep their pipes: replacing
them with spaces did no better (benchmarks/encoder.py, tables: on tests/questions.jsonl the
nearest sentence held the answer for 8 of 20 questions with pipes, 7 without; for six
questions about table rows, 1 and 0).

Each row is stored as int8 codes and one float32 scale (component = code × scale, scale = the
row's largest magnitude / 127): 388 bytes a sentence instead of 1,536, within 0.01 of the
float32 cosine (tests/test_vectors.py), and mapped from disk like the BM25 arrays.

`nearest` is brute force: the query's dot product with every row, 1,024 rows at a time (int8
rows widened to float32 in a buffer that stays in the CPU cache; about 20-30 ms at 100,000
sentences on this project's machine, benchmarks/encoder.py), then the k best.

A build encodes only sentences the vector cache (index/vector_cache.py) does not hold, in
chunks, committing each chunk as it is done. `CachedEncoding` serves the other texts encoded
at every start (the fact book's measures, pinned questions) from the same cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from index.encoder import Encoder
from index.passage_table import PassageTable
from index.source_text import Text
from index.vector_cache import VectorCache

CODES_FILE, SCALES_FILE = "vectors.npy", "vector_scales.npy"
ENCODE_CHUNK = 256  # sentences encoded, then committed to the cache, at a time
_SCAN_ROWS = 1024


@dataclass(frozen=True)
class SentenceVectors:
    """Unit vectors of every sentence, quantized; `model` is the encoder's fingerprint."""

    model: str
    codes: np.ndarray  # int8 [sentences, dim]
    scales: np.ndarray  # float32 [sentences]

    def __len__(self) -> int:
        return len(self.codes)

    def get(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """float32 vectors of those sentences, shape (len(ids), dim)."""
        ids = np.asarray(ids, dtype=np.int64)
        return self.codes[ids].astype(np.float32) * self.scales[ids, None]

    def cosines(self, query: np.ndarray) -> np.ndarray:
        """Cosine of a unit query vector with every sentence, float32 [sentences]."""
        query = np.asarray(query, dtype=np.float32)
        out = np.empty(len(self.codes), dtype=np.float32)
        buffer = np.empty((min(_SCAN_ROWS, len(self.codes)), self.codes.shape[1]), np.float32)
        for start in range(0, len(self.codes), _SCAN_ROWS):
            rows = self.codes[start : start + _SCAN_ROWS]
            widened = buffer[: len(rows)]
            widened[...] = rows
            np.dot(widened, query, out=out[start : start + len(rows)])
        out *= self.scales
        return out

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The `k` sentences nearest a unit query vector: (sentence id, cosine), best first,
        ties broken by sentence order."""
        if k <= 0 or not len(self.codes):
            return []
        scores = self.cosines(query)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]
        return [(int(i), float(scores[i])) for i in top]


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and per-row scales of float32 rows."""
    scales = (np.abs(vectors).max(axis=1) / 127).astype(np.float32)
    safe = np.where(scales > 0, scales, 1)
    codes = np.rint(vectors / safe[:, None]).clip(-127, 127).astype(np.int8)
    return codes, scales


def sentence_texts(table: PassageTable, texts: Mapping[str, Text]) -> list[str]:
    """The text of every sentence, in sentence order."""
    p = table.passages
    sources = np.repeat(p[:, 0], p[:, 4] - p[:, 3]) if len(p) else np.empty(0, np.int64)
    return [
        texts[table.metas[source].file][start:end]
        for source, (start, end, _line, _kind) in zip(
            sources.tolist(), table.sentences.tolist(), strict=True
        )
    ]


def encode_sentences(
    table: PassageTable,
    texts: Mapping[str, Text],
    encoder: Encoder,
    cache_path: Path | None,
    progress: bool = False,
) -> tuple[SentenceVectors, list[str]]:
    """Vectors of every sentence: from the cache where it has them, else encoded and cached;
    the cache then forgets every text the index does not hold. Plus the cache's notes (a
    damaged cache rebuilt, one that cannot be written)."""
    prepared = sentence_texts(table, texts)
    keys = [_key(t) for t in prepared]
    with VectorCache.open(cache_path, encoder.fingerprint, encoder.dim) as cache:
        codes, scales = _through_cache(prepared, keys, encoder, cache, progress)
        if cache:
            cache.keep_only(keys)
    return SentenceVectors(encoder.fingerprint, codes, scales), cache.notes if cache else []


class CachedEncoding:
    """`encode` through the vector cache, for texts encoded at every start: the fact book's
    targets (90 texts for sources/, 0.16 s of each `python -m bot ask` when encoded) and
    pinned questions. A vector comes back as the cache stores it (int8 codes × scale), the
    first time too, so an answer does not change once it is cached. A rebuild's cache keeps
    only the index's sentences, so the next start encodes these again, once. `notes` gathers
    the cache's (a damaged cache rebuilt, one that cannot be written) for the caller to show."""

    def __init__(self, encoder: Encoder, cache_path: Path | None) -> None:
        self.encoder = encoder
        self.cache_path = cache_path
        self.notes: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        with VectorCache.open(self.cache_path, self.encoder.fingerprint, self.encoder.dim) as c:
            codes, scales = _through_cache(list(texts), keys, self.encoder, c)
        self.notes += c.notes if c else []
        return codes.astype(np.float32) * scales[:, None]


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _through_cache(
    texts: list[str],
    keys: list[bytes],
    encoder: Encoder,
    cache: VectorCache | None,
    progress: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and scales of `texts` (`keys` their checksums): from `cache` where it has
    them, else encoded (each distinct text once), `ENCODE_CHUNK` at a time, each chunk
    committed to `cache` as soon as it is done."""
    codes = np.zeros((len(texts), encoder.dim), dtype=np.int8)
    scales = np.zeros(len(texts), dtype=np.float32)
    cached = cache.get(keys) if cache else {}
    rows_of: dict[bytes, list[int]] = {}
    for i, key in enumerate(keys):
        if key in cached:
            codes[i] = np.frombuffer(cached[key][0], dtype=np.int8)
            scales[i] = cached[key][1]
        else:
            rows_of.setdefault(key, []).append(i)
    todo = list(rows_of)  # in source order: each runs alone, so the ETA is fair
    with tqdm(
        total=len(todo), desc="encoding", unit=" sentences", delay=1.0, disable=not progress
    ) as bar:
        for start in range(0, len(todo), ENCODE_CHUNK):
            chunk = todo[start : start + ENCODE_CHUNK]
            vectors = encoder.encode([texts[rows_of[k][0]] for k in chunk])
            chunk_codes, chunk_scales = quantize(vectors)
            for key, row_codes, scale in zip(chunk, chunk_codes, chunk_scales, strict=True):
                codes[rows_of[key]] = row_codes
                scales[rows_of[key]] = scale
            if cache:
                cache.put(
                    (key, c.tobytes(), float(s))
                    for key, c, s in zip(chunk, chunk_codes, chunk_scales, strict=True)
                )
            bar.update(len(chunk))
    return codes, scales
