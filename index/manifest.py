"""The metadata manifest, `sources.toml` beside the sources: files stay byte-for-byte untouched."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from index.errors import DataFileError, TomlEntries, line_containing, read_toml
from index.models import SourceMeta
from index.sources_folder import beside_sources
from index.urls import url_problem

MANIFEST_NAME = "sources.toml"


def load_manifest(sources_dir: Path) -> tuple[dict[str, SourceMeta], list[str]]:
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
    metas: dict[str, SourceMeta] = {}
    warnings: list[str] = []
    lines = TomlEntries(text, "source")
    for i, entry in enumerate(entries):
        url = entry.pop("url", None) if isinstance(entry, dict) else None
        try:
            meta = SourceMeta.model_validate(entry)
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
