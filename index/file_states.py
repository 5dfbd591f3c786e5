"""What each file's size and modification time were when it was last hashed: a file whose stat
still says so is not read again to learn that it is unchanged.

Start-up used to hash every source (0.34 s at 100k passages) and every index file (0.15 s) to
find out that nothing had changed. The states are kept in the cache folder (`STATES`), beside
the manifest; they are only a shortcut: a missing or unreadable states file means hashing
everything once, as before.

A state vouches for a file when its size and mtime are unchanged and that mtime is older than
the moment of the stat by more than `RACY_NS`: a file written again within the same timestamp
tick as the one that was hashed shows the same mtime (git's "racy" entries), so a recently
modified file is hashed every time until it has aged. The known limitation: a file changed
later while keeping its size, with its mtime set back to the old value (`touch -d`, `cp -p`,
`rsync -t`, a tar extraction), looks unchanged; `python -m bot index --force` hashes
everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import astuple, dataclass, field
from pathlib import Path

from index.cache_files import no_follow, read_own

STATES = "file-states.json"
# Two seconds: FAT's mtime granularity, the coarsest in common use (ext4's is a kernel tick).
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class FileState:
    """A file's size and mtime, its checksum, and when the stat was taken (before hashing)."""

    size: int
    mtime_ns: int
    sha256: str
    checked_ns: int

    def vouches_for(self, stat: os.stat_result) -> bool:
        """Whether a file with this stat is the file that was hashed (see the module's note)."""
        return (
            stat.st_size == self.size
            and stat.st_mtime_ns == self.mtime_ns
            and self.mtime_ns < self.checked_ns - RACY_NS
        )


def stat_state(stat: os.stat_result, sha256: str, checked_ns: int) -> FileState:
    return FileState(stat.st_size, stat.st_mtime_ns, sha256, checked_ns)


def hashed_state(path: Path) -> FileState:
    """An index file's state, hashed now; OSError when it cannot be read, or is a link (the
    index's own files are never read through one: index/cache_files.py)."""
    checked = time.time_ns()
    with open(path, "rb", opener=no_follow) as f:
        stat = os.fstat(f.fileno())
        return stat_state(stat, hashlib.file_digest(f, "sha256").hexdigest(), checked)


@dataclass
class States:
    """The sources' states by name, and the index files' states of one generation."""

    sources: dict[str, FileState] = field(default_factory=dict)
    generation: str | None = None
    index: dict[str, FileState] = field(default_factory=dict)

    def index_states(self, generation: str) -> dict[str, FileState]:
        """The index files' states, started afresh for another generation."""
        if generation != self.generation:
            self.generation, self.index = generation, {}
        return self.index


def read_states(path: Path) -> States:
    """The saved states; none when the file is missing or not what `write_states` writes."""
    try:
        raw = json.loads(read_own(path))
        return States(
            sources={k: FileState(*v) for k, v in raw["sources"].items()},
            generation=raw["generation"],
            index={k: FileState(*v) for k, v in raw["index"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return States()


def write_states(path: Path, states: States) -> None:
    """Replace the saved states in one rename; a folder that cannot be written keeps none."""
    data = {
        "sources": {k: astuple(v) for k, v in states.sources.items()},
        "generation": states.generation,
        "index": {k: astuple(v) for k, v in states.index.items()},
    }
    try:
        # A name of its own, created exclusively: no file already there is written or removed.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return
    try:
        with open(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
