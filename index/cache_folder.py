"""Which folders the index cache may write in and delete: only what it can prove it made.

A cache folder is given by the user (`--cache`, `$QUOTEBOT_CACHE`), so it may be any folder
they own, even the sources folder. The cache therefore writes a marker file of its own in its
folder and in every generation folder it creates, and it deletes only files of its own names
inside a generation folder carrying the marker. It refuses, before writing anything, a folder
inside the sources folder and a non-empty folder without its marker.

Nothing else counts as proof: a folder holding a `manifest.json` and `gen-*` folders that look
like the index's own is refused like any other folder of the user's (caches written before
markers existed were once adopted on that evidence, and a folder of the user's that looked the
part lost its `gen-*` folder). A link or FIFO at one of the cache's own names is refused too
(index/cache_files.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from index.cache_files import CacheFolderError, is_own_file, read_own, refuse_foreign

CACHE_MARKER = "quotebot-cache.txt"
GENERATION_MARKER = "quotebot-generation.txt"
MARKER_TEXT = (
    "Made by quotebot's index cache (index/store.py). quotebot deletes a generation folder "
    "only when it holds this file, and writes only in cache folders that hold it.\n"
)
MARKER_BYTES = MARKER_TEXT.encode()


def check_cache_folder(folder: Path, sources_dir: Path, own_names: Iterable[str]) -> None:
    """Refuse a cache folder that is (inside) the sources folder, that holds files without
    the cache's marker, or where one of `own_names` (the files the cache keeps at its top) or
    the marker is not a regular file."""
    where = folder.resolve()
    if where.is_relative_to(sources_dir.resolve()):
        raise CacheFolderError(
            folder,
            None,
            f"the index cache cannot be inside the sources folder {sources_dir}; "
            "give --cache a folder elsewhere",
        )
    if not _is_ours(folder):
        raise CacheFolderError(
            folder,
            None,
            f"not a quotebot index cache (no {CACHE_MARKER}) and not empty: quotebot writes "
            "nothing there; give --cache an empty or new folder (a cache made before quotebot "
            "marked its folders is refused too: delete it yourself)",
        )
    refuse_foreign(folder / name for name in (CACHE_MARKER, *own_names))


def claim(folder: Path) -> None:
    """Create the folder if need be and mark it as a quotebot cache. Raises CacheFolderError
    for a folder that is not ours, OSError when it cannot be written."""
    if is_cache_folder(folder):
        return
    if not _is_ours(folder):
        raise CacheFolderError(folder, None, "not a quotebot index cache; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process claimed it first
        _write_marker(folder / CACHE_MARKER)


def is_cache_folder(folder: Path) -> bool:
    """A folder carrying the cache's marker (a regular file, not a link)."""
    return is_own_file(folder / CACHE_MARKER)


def mark_generation(generation: Path) -> None:
    """Mark a generation folder as the cache's own: it may be deleted when superseded."""
    _write_marker(generation / GENERATION_MARKER)


def is_generation(path: Path) -> bool:
    """A real folder (not a link) carrying the generation marker written by `mark_generation`."""
    try:
        return not path.is_symlink() and read_own(path / GENERATION_MARKER) == MARKER_BYTES
    except OSError:
        return False


def remove_generation(generation: Path, own_names: Iterable[str]) -> None:
    """Delete a superseded generation folder carrying the marker: see `_remove_own`."""
    if is_generation(generation):
        _remove_own(generation, set(own_names))


def discard_generation(generation: Path, own_names: Iterable[str]) -> None:
    """Delete a generation folder this process made (mkdtemp) and failed to finish, marker
    and all: on a full disk even the marker may be missing or cut short, and a folder left
    without a whole marker would never be cleaned."""
    _remove_own(generation, {*own_names, GENERATION_MARKER})


def _remove_own(generation: Path, names: set[str]) -> None:
    """Delete the regular files of `names` in `generation` (a link, or a folder, at one of
    them is left: the cache never made it), then the marker and the folder when nothing
    else is left; a file the user put there keeps the folder, marked."""
    with contextlib.suppress(OSError):
        for name in names & set(os.listdir(generation)):
            if is_own_file(generation / name):
                (generation / name).unlink()
        if set(os.listdir(generation)) <= {GENERATION_MARKER}:
            (generation / GENERATION_MARKER).unlink(missing_ok=True)
            generation.rmdir()


def _write_marker(path: Path) -> None:
    with open(path, "x", encoding="utf-8") as out:
        out.write(MARKER_TEXT)


def _is_ours(folder: Path) -> bool:
    """True for a folder the cache may write in: missing, not a folder (writing then fails
    with an OSError of its own), empty, or marked."""
    if not folder.is_dir():
        return True
    try:
        entries = os.listdir(folder)
    except OSError:
        return True  # nothing can be written where nothing can be listed
    # One listing decides: the marker is written before anything else, so a listing that
    # shows another process's files shows its marker too.
    return not entries or CACHE_MARKER in entries
