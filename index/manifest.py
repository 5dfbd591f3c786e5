"""The metadata manifest, `sources.toml` beside the sources: files stay byte-for-byte untouched."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from index.errors import DataFileError, TomlEntries, line_containing, read_toml
from index.models import NOT_STATED, ManifestEntry, SourceMeta
from index.sources_folder import beside_sources
from index.unsafe_text import toml_string
from index.urls import url_problem

MANIFEST_NAME = "sources.toml"
# The curated facts beside the sources (bot/facts/curated.py reads them).
FACTS_NAME = "facts.toml"


def load_manifest(sources_dir: Path) -> tuple[dict[str, ManifestEntry], list[str]]:
    """Read `[[source]]` tables keyed by file name, and warnings; a missing manifest means no
    metadata. A wrong entry, or a manifest the sources folder's rule refuses (a link out of
    the folder), raises DataFileError; a URL that cannot be a link is only a warning:
    the source is served without it."""
    path = beside_sources(sources_dir, MANIFEST_NAME)
    if path is None:
        return {}, []
    text, data = read_toml(path)
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise DataFileError(path, line_containing(text, "source"), "expected [[source]] tables")
    metas: dict[str, ManifestEntry] = {}
    warnings: list[str] = []
    lines = TomlEntries(text, "source")
    for i, entry in enumerate(entries):
        url = entry.pop("url", None) if isinstance(entry, dict) else None
        try:
            meta = ManifestEntry.model_validate(entry)
        except ValidationError as exc:
            error = exc.errors()[0]
            key = str(error["loc"][0]) if error["loc"] else None
            named = isinstance(entry, dict) and key in entry
            where = lines.line(i, key if named else None)
            raise DataFileError(
                path, where, f"source entry {i + 1}: {key}: {error['msg']}"
            ) from exc
        if meta.file in metas:
            where = lines.line(i, "file")
            raise DataFileError(path, where, f"duplicate entry for {meta.file!r}")
        problem = url_problem(url) if isinstance(url, str) else "is not a string"
        if url is not None and problem:
            where = lines.line(i, "url")
            warnings.append(
                f"{DataFileError(path, where, f'source entry {i + 1}: url {problem}')}; "
                f"{meta.file} is served without a link"
            )
        elif url is not None:
            meta = meta.model_copy(update={"url": url})
        metas[meta.file] = meta
    return metas, warnings


DRAFT_HEADER = """\
# Citation metadata of the files in this folder (python -m bot sources init wrote this draft).
# Every field but `file` is optional and overrides what the document says of itself.
"""
# What a draft entry offers to edit, in this order (file first, always).
_DRAFTED = ("title", "publisher", "date", "url", "description", "aliases")


def draft_entries(metas: list[SourceMeta]) -> str:
    """`[[source]]` tables for `metas`, in `sources.toml` format: what each document says of
    itself, for a moderator to check and complete, where each value came from in a comment,
    and the fields it does not state commented out."""
    tables = []
    for meta in metas:
        lines = ["[[source]]", f"file = {toml_string(meta.file)}"]
        for key in _DRAFTED:
            value = getattr(meta, key)
            if value in (None, [], NOT_STATED):
                lines.append(f"# {key} =")
                continue
            written = (
                "[" + ", ".join(map(toml_string, value)) + "]"
                if isinstance(value, list)
                else toml_string(str(value))
            )
            origin = meta.origin.get(key)
            lines.append(f"{key} = {written}" + (f"  # from the {origin}" if origin else ""))
        tables.append("\n".join(lines))
    return "".join(f"\n{table}\n" for table in tables)
