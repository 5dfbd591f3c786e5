"""Which folders the index cache may write in and delete: only what it can prove it made.

A cache folder is given by the user (`--cache`, `$QUOTEBOT_CACHE`), so it may be any folder
they own, even the sources folder. The cache therefore writes a marker file of its own in its
folder and in every generation folder it creates, and it deletes a generation folder only when
that folder carries the marker. It refuses, before writing anything, a folder inside the
sources folder and a non-empty folder that is not a quotebot cache.

Caches written before markers existed (manifest.json, build.lock and gen-* folders holding only
the index's own files) are recognised as quotebot's and marked on their next build.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from index.errors import DataFileError

CACHE_MARKER = "quotebot-cache.txt"
GENERATION_MARKER = "quotebot-generation.txt"
MARKER_TEXT = (
    "Made by quotebot's index cache (index/store.py). quotebot deletes a generation folder "
    "only when it holds this file, and writes only in cache folders that hold it.\n"
)


class CacheFolderError(DataFileError):
    """The index cache cannot be kept where it was asked to be; nothing was written there."""


def check_cache_folder(folder: Path, sources_dir: Path, legacy_names: Iterable[str]) -> None:
    """Refuse a cache folder that is (inside) the sources folder, or that holds files quotebot
    did not make. `legacy_names` are the files an unmarked generation of the index may hold."""
    where = folder.resolve()
    if where.is_relative_to(sources_dir.resolve()):
        raise CacheFolderError(
            folder,
            None,
            f"the index cache cannot be inside the sources folder {sources_dir}; "
            "give --cache a folder elsewhere",
        )
    if not _is_ours(folder, frozenset(legacy_names)):
        raise CacheFolderError(
            folder,
            None,
            "not a quotebot index cache and not empty: quotebot writes nothing there; "
            "give --cache an empty or new folder",
        )


def claim(folder: Path, legacy_names: Iterable[str]) -> None:
    """Create the folder if need be and mark it as a quotebot cache (an unmarked cache of an
    earlier version gets its generation folders marked too). Raises CacheFolderError for a
    folder that is not ours, OSError when it cannot be written."""
    marker = folder / CACHE_MARKER
    if marker.is_file():
        return
    names = frozenset(legacy_names)
    if not _is_ours(folder, names):
        raise CacheFolderError(folder, None, "not a quotebot index cache; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(marker, "x", encoding="utf-8") as out:
            out.write(MARKER_TEXT)
    except FileExistsError:
        return  # another process claimed it first
    for generation in _legacy_generations(folder, names):
        mark_generation(generation)


def mark_generation(generation: Path) -> None:
    """Mark a generation folder as the cache's own: it may be deleted when superseded."""
    (generation / GENERATION_MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def is_generation(path: Path) -> bool:
    """A real folder (not a link) carrying the generation marker written by `mark_generation`."""
    marker = path / GENERATION_MARKER
    try:
        return not path.is_symlink() and path.is_dir() and marker.read_text("utf-8") == MARKER_TEXT
    except (OSError, UnicodeDecodeError):
        return False


def _is_ours(folder: Path, legacy_names: frozenset[str]) -> bool:
    """True for a folder the cache may write in: missing, not a folder (writing then fails
    with an OSError of its own), empty, marked, or an unmarked cache of an earlier version."""
    if not folder.is_dir():
        return True
    try:
        entries = list(folder.iterdir())
    except OSError:
        return True  # nothing can be written where nothing can be listed
    # One listing decides: the marker is written before anything else, so a listing that
    # shows another process's files shows its marker too.
    if not entries or any(e.name == CACHE_MARKER for e in entries):
        return True
    return _is_legacy_cache(folder, entries, legacy_names)


def _is_legacy_cache(folder: Path, entries: list[Path], legacy_names: frozenset[str]) -> bool:
    """A manifest of the index's own, and only the other files an unmarked cache held."""
    try:
        manifest = json.loads((folder / "manifest.json").read_bytes())
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or not {"format_version", "generation"} <= set(manifest):
        return False
    generations = set(_legacy_generations(folder, legacy_names))
    return all(
        e.name in ("manifest.json", "build.lock")
        or (e.name.startswith(".gen-") and e.name.endswith("-manifest.json"))
        or e in generations
        for e in entries
    )


def _legacy_generations(folder: Path, legacy_names: frozenset[str]) -> list[Path]:
    """gen-* folders (not links) holding nothing but the index's own files."""
    found = []
    for path in folder.glob("gen-*"):
        if path.is_symlink() or not path.is_dir():
            continue
        with contextlib.suppress(OSError):
            if set(os.listdir(path)) <= legacy_names:
                found.append(path)
    return found
