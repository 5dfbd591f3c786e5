"""Sentence vectors already encoded, kept across builds: SQLite beside the generation folders.

Encoding is the slow part of a semantic build (about 150 sentences a second), so every vector
is saved here as soon as its chunk is encoded, keyed by the model's fingerprint and the SHA-256
of the text encoded. A rebuild encodes only sentences that are new or changed, and a build
killed halfway keeps every chunk it committed. WAL mode: a killed process never leaves a
half-written row, and readers never block the writer (builds hold the cache folder's lock).

Its files (the database and SQLite's -wal, -shm and -journal beside it) are checked with lstat
before SQLite opens them: a link there is refused (index/cache_files.py).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from index.cache_files import refuse_foreign

CACHE_NAME = "vectors.sqlite3"
VECTOR_FILES = tuple(CACHE_NAME + end for end in ("", "-wal", "-shm", "-journal"))
_LOOKUP_CHUNK = 500  # keys per SELECT: well under SQLite's limit on bound parameters

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,   -- the encoder's fingerprint
    sha BLOB NOT NULL,     -- SHA-256 of the text encoded
    codes BLOB NOT NULL,   -- int8 components
    scale REAL NOT NULL,   -- component = code × scale
    PRIMARY KEY (model, sha)
) WITHOUT ROWID
"""


class VectorCache:
    """Quantized vectors of one model by text checksum."""

    def __init__(self, db: sqlite3.Connection, model: str) -> None:
        self._db = db
        self.model = model

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None, model: str) -> Iterator[VectorCache | None]:
        """The cache at `path`, or None where it cannot be opened (a read-only cache folder):
        the build then encodes everything and keeps nothing, which costs time, not answers.
        A link at one of its files raises CacheFolderError. The file is made exclusively
        first, so SQLite never creates it through a link."""
        db = None
        if path is not None:
            refuse_foreign(path.with_name(name) for name in VECTOR_FILES)
            try:
                with contextlib.suppress(FileExistsError):
                    open(path, "xb").close()
                db = sqlite3.connect(path)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                db.commit()
            except (OSError, sqlite3.Error):
                if db is not None:
                    db.close()
                db = None
        try:
            yield None if db is None else cls(db, model)
        finally:
            if db is not None:
                db.close()

    def get(self, keys: Sequence[bytes]) -> dict[bytes, tuple[bytes, float]]:
        """The cached (codes, scale) of those keys that are cached."""
        found: dict[bytes, tuple[bytes, float]] = {}
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT sha, codes, scale FROM vectors WHERE model = ? AND sha IN ({marks})",
                (self.model, *chunk),
            )
            found.update((sha, (codes, scale)) for sha, codes, scale in rows)
        return found

    def put(self, rows: Iterable[tuple[bytes, bytes, float]]) -> None:
        """Save (key, codes, scale) rows in one transaction."""
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (model, sha, codes, scale) VALUES (?, ?, ?, ?)",
                ((self.model, sha, codes, scale) for sha, codes, scale in rows),
            )

    def keep_only(self, keys: Iterable[bytes]) -> None:
        """Forget vectors of other models and of texts the sources no longer hold, so the cache
        stays the size of the index it serves."""
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS live (sha BLOB PRIMARY KEY)")
            self._db.execute("DELETE FROM live")
            self._db.executemany("INSERT OR IGNORE INTO live VALUES (?)", ((k,) for k in keys))
            self._db.execute(
                "DELETE FROM vectors WHERE model != ? OR sha NOT IN (SELECT sha FROM live)",
                (self.model,),
            )
            self._db.execute("DELETE FROM live")
