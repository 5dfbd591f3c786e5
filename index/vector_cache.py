"""Sentence vectors already encoded, kept across builds: SQLite beside the generation folders.

Encoding is the slow part of a semantic build (about 150 sentences a second), so every vector
is saved here as soon as its chunk is encoded, keyed by the model's fingerprint and the SHA-256
of the text encoded. A rebuild encodes only sentences that are new or changed, and a build
killed halfway keeps every chunk it committed. WAL mode: a killed process never leaves a
half-written row, and readers never block the writer (builds hold the cache folder's lock).

The cache is data the bot wrote, so it is checked when read back, as the index is: its tables
must be exactly the cache's own, and every row a vector of the encoder's width with a finite
scale. A file found damaged (a page of random bytes: "database disk image is malformed", "file
is not a database"; a schema of another program; a row of another width) is rebuilt with a
note, so the build re-encodes what it needs instead of failing; but only in a folder carrying
the cache's marker (index/cache_folder.py), else it is left as it is and not used. A cache that
cannot be written (a full disk) is not used for the rest of the run, with a note: vectors are
then encoded and served as before, only not kept. Nothing here raises a SQLite error: the cache
costs time when it fails, never answers.

Its files (the database and SQLite's -wal, -shm and -journal beside it) are checked with lstat
before SQLite opens them: a link there is refused (index/cache_files.py).
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from index.cache_files import refuse_foreign
from index.cache_folder import is_cache_folder

CACHE_NAME = "vectors.sqlite3"
VECTOR_FILES = tuple(CACHE_NAME + end for end in ("", "-wal", "-shm", "-journal"))
_LOOKUP_CHUNK = 500  # keys per SELECT: well under SQLite's limit on bound parameters

_SCHEMA = """
CREATE TABLE vectors (
    model TEXT NOT NULL,   -- the encoder's fingerprint
    sha BLOB NOT NULL,     -- SHA-256 of the text encoded
    codes BLOB NOT NULL,   -- int8 components
    scale REAL NOT NULL,   -- component = code × scale
    PRIMARY KEY (model, sha)
) WITHOUT ROWID
"""
# The schema as SQLite reports it: (name, type, not null, place in the primary key) per column.
_COLUMNS = [
    ("model", "TEXT", 1, 1),
    ("sha", "BLOB", 1, 2),
    ("codes", "BLOB", 1, 0),
    ("scale", "REAL", 1, 0),
]
# SQLite's answers for a file that is not, or no longer, a database of its own making.
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_SHM_PAGE = 32 * 1024  # what SQLite's -shm file grows by (its WAL index pages)


class Damaged(Exception):
    """The cache's contents are not what it writes; the message says what was found."""


class VectorCache:
    """Quantized vectors of one model (`dim` int8 components each) by text checksum.

    `notes` collects one line per problem met (a damaged file rebuilt, a full disk), for the
    caller to show."""

    def __init__(self, path: Path, model: str, dim: int) -> None:
        self.path = path
        self.model = model
        self.dim = dim
        self.notes: list[str] = []
        self._db: sqlite3.Connection | None = None
        self._rebuilt = False

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None, model: str, dim: int) -> Iterator[VectorCache | None]:
        """The cache at `path` (None for no path). A link at one of its files raises
        CacheFolderError; any other problem leaves a cache that keeps nothing, with a note."""
        if path is None:
            yield None
            return
        cache = cls(path, model, dim)
        cache._connect()
        try:
            yield cache
        finally:
            cache._close()

    def get(self, keys: Sequence[bytes]) -> dict[bytes, tuple[bytes, float]]:
        """The cached (codes, scale) of those keys that are cached."""
        if self._db is None:
            return {}
        found: dict[bytes, tuple[bytes, float]] = {}
        try:
            for start in range(0, len(keys), _LOOKUP_CHUNK):
                chunk = keys[start : start + _LOOKUP_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT sha, codes, scale FROM vectors WHERE model = ? AND sha IN ({marks})",
                    (self.model, *chunk),
                )
                for sha, codes, scale in rows:
                    self._check_row(codes, scale)
                    found[sha] = (codes, scale)
        except (sqlite3.Error, Damaged) as exc:
            self._failed(exc)
            return {}  # nothing read from a damaged file is trusted
        return found

    def put(self, rows: Iterable[tuple[bytes, bytes, float]]) -> None:
        """Save (key, codes, scale) rows in one transaction (again in a cache rebuilt because
        this write found it damaged)."""
        rows = [(self.model, sha, codes, scale) for sha, codes, scale in rows]
        self._write(
            lambda db: db.executemany(
                "INSERT OR REPLACE INTO vectors (model, sha, codes, scale) VALUES (?, ?, ?, ?)",
                rows,
            )
        )

    def keep_only(self, keys: Iterable[bytes]) -> None:
        """Forget vectors of other models and of texts the sources no longer hold, so the cache
        stays the size of the index it serves."""
        live = [(k,) for k in keys]

        def forget(db: sqlite3.Connection) -> None:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS live (sha BLOB PRIMARY KEY)")
            db.execute("DELETE FROM live")
            db.executemany("INSERT OR IGNORE INTO live VALUES (?)", live)
            db.execute(
                "DELETE FROM vectors WHERE model != ? OR sha NOT IN (SELECT sha FROM live)",
                (self.model,),
            )
            db.execute("DELETE FROM live")

        self._write(forget)

    def _write(self, change: Callable[[sqlite3.Connection], object]) -> None:
        """Run `change` in one transaction; on a cache rebuilt because it failed, once more."""
        for _attempt in range(2):
            if self._db is None:
                return
            try:
                with self._db:
                    change(self._db)
                return
            except sqlite3.Error as exc:
                self._failed(exc)

    def _check_row(self, codes: object, scale: object) -> None:
        if not isinstance(codes, bytes) or len(codes) != self.dim:
            size = len(codes) if isinstance(codes, bytes) else type(codes).__name__
            raise Damaged(f"a vector of {size} components, not {self.dim}")
        if not isinstance(scale, float) or not math.isfinite(scale) or scale < 0:
            raise Damaged(f"a vector scale of {scale!r}")

    def _connect(self) -> None:
        """Open the file (made exclusively first, so SQLite never creates it through a link)
        and check that its tables are the cache's own; a new file gets them."""
        refuse_foreign(self.path.with_name(name) for name in VECTOR_FILES)
        try:
            with contextlib.suppress(FileExistsError):
                open(self.path, "xb").close()
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            tables = self._db.execute("SELECT type, name FROM sqlite_master").fetchall()
            if not tables:
                with self._db:
                    self._db.execute(_SCHEMA)
                return
            columns = [c[1:4] + c[5:] for c in self._db.execute("PRAGMA table_info(vectors)")]
            if tables != [("table", "vectors")] or columns != _COLUMNS:
                raise Damaged("tables not of its own making")
        except (OSError, sqlite3.Error, Damaged) as exc:
            self._failed(exc)

    def _failed(self, exc: OSError | sqlite3.Error | Damaged) -> None:
        """Rebuild a damaged cache, or stop using one that cannot be used; a note either way."""
        self._close()
        name = getattr(exc, "sqlite_errorname", "")
        if isinstance(exc, Damaged) or name.startswith(_DAMAGED):
            self._rebuild(str(exc))
        elif self._no_space(name, getattr(exc, "errno", None)):
            self.notes.append(
                f"{self.path.parent}: {os.strerror(errno.ENOSPC)}: the sentence vectors "
                "encoded now are not kept (they are encoded again next time)"
            )
        else:
            reason = getattr(exc, "strerror", None) or exc
            self.notes.append(f"{self.path}: sentence vectors not kept ({reason})")

    def _no_space(self, sqlite_name: str, error: int | None) -> bool:
        """The failure is a full disk: ENOSPC, SQLite's SQLITE_FULL, or one of its I/O errors
        on a disk with less room than a page of its shared-memory file (32 KiB): a WAL
        database opened there fails to grow that file (SQLITE_IOERR_SHMSIZE), and SQLite
        keeps the errno to itself."""
        if error == errno.ENOSPC or sqlite_name == "SQLITE_FULL":
            return True
        if not sqlite_name.startswith("SQLITE_IOERR"):
            return False
        try:
            disk = os.statvfs(self.path.parent)
        except OSError:
            return False
        return disk.f_bavail * disk.f_frsize < _SHM_PAGE

    def _rebuild(self, reason: str) -> None:
        """Delete the damaged files and start an empty cache, once, in a marked cache folder."""
        unreadable = f"{self.path}: sentence-vector cache unreadable ({reason})"
        if not is_cache_folder(self.path.parent):
            self.notes.append(f"{unreadable}; not used, nor deleted: no cache folder made it")
            return
        if self._rebuilt:
            self.notes.append(f"{unreadable} once rebuilt; not used")
            return
        try:
            refuse_foreign(self.path.with_name(name) for name in VECTOR_FILES)
            for name in VECTOR_FILES:
                self.path.with_name(name).unlink(missing_ok=True)
        except OSError as exc:
            self.notes.append(f"{unreadable}; not deleted ({exc.strerror or exc}), not used")
            return
        self._rebuilt = True
        self.notes.append(f"{unreadable}; rebuilt.")
        self._connect()

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
