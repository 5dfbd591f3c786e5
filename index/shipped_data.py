"""Data files that ship with quotebot from elsewhere (index/rarity, index/shorthand): each is
read only after its bytes match the SHA-256 its module and README give."""

from __future__ import annotations

import hashlib
from pathlib import Path

from index.errors import DataFileError


def read_checked(path: Path, sha256: str) -> bytes:
    """The bytes of `path`; DataFileError, naming the file, when it cannot be read or does
    not match `sha256` (damaged or replaced: reinstalling restores it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataFileError(path, None, f"cannot be read ({exc.strerror or exc})") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DataFileError(path, None, "does not match its SHA-256; reinstall quotebot")
    return data
