"""The index cache's own files, opened so that nothing put in its folder is followed.

A cache folder is the user's to put things in, so a link may stand at a name the cache uses:
opened the ordinary way, `build.lock` pointing at a user's file truncated it, and
`vectors.sqlite3` pointing at a user's database was written into. So the cache creates every
file exclusively (mode `x`: never an existing file, never through a link, even a dangling one),
reopens its own files with O_NOFOLLOW (and O_NONBLOCK: a FIFO planted there cannot hang a
read), and checks with lstat what SQLite opens (Python's sqlite3 cannot pass SQLite's
SQLITE_OPEN_NOFOLLOW). A name that holds anything but a regular file is refused in one line:
nothing is read or written through it, and it is not deleted.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from index.errors import DataFileError


class CacheFolderError(DataFileError):
    """The index cache cannot be kept where it was asked to be; nothing was written there."""


def refuse_foreign(paths: Iterable[Path]) -> None:
    """Raise CacheFolderError for the first of `paths` that exists and is not a regular file
    (a link, even a dangling one; a folder; a FIFO). Missing or unreachable paths pass: the
    cache creates them exclusively, or fails to with an OSError of its own."""
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except OSError:
            continue
        if stat.S_ISREG(mode):
            continue
        what = f"a link to {os.readlink(path)}" if stat.S_ISLNK(mode) else "not a regular file"
        raise CacheFolderError(
            path,
            None,
            f"is {what}, where the index cache keeps a file of its own; quotebot reads and "
            "writes nothing through it: remove it",
        )


def no_follow(path: str, flags: int) -> int:
    """An `opener` for open(): a link as the last component fails (ELOOP) instead of being
    followed, and a FIFO does not block. A file it creates gets open()'s own mode (0o666
    less the umask; os.open's default, 0o777, would make it executable)."""
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)


def read_own(path: Path) -> bytes:
    """The bytes of a regular file the cache wrote, never through a link. OSError otherwise."""
    with open(path, "rb", opener=no_follow) as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return f.read()


def is_own_file(path: Path) -> bool:
    """A regular file, not a link (lstat)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False
