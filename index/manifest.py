"""The metadata manifest, `sources.toml` beside the sources: files stay byte-for-byte untouched."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from index.errors import DataFileError, line_containing, read_utf8, toml_entry_line, toml_error_line
from index.models import SourceMeta

MANIFEST_NAME = "sources.toml"


def load_manifest(sources_dir: Path) -> dict[str, SourceMeta]:
    """Read `[[source]]` tables keyed by file name; a missing manifest means no metadata."""
    path = sources_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    text = read_utf8(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(path, toml_error_line(exc), f"invalid TOML: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise DataFileError(path, line_containing(text, "source"), "expected [[source]] tables")
    metas: dict[str, SourceMeta] = {}
    for i, entry in enumerate(entries):
        try:
            meta = SourceMeta.model_validate(entry)
        except ValidationError as exc:
            error = exc.errors()[0]
            key = str(error["loc"][0]) if error["loc"] else None
            named = isinstance(entry, dict) and key in entry
            where = toml_entry_line(text, "source", i, key if named else None)
            raise DataFileError(
                path, where, f"source entry {i + 1}: {key}: {error['msg']}"
            ) from exc
        if meta.file in metas:
            where = toml_entry_line(text, "source", i, "file")
            raise DataFileError(path, where, f"duplicate entry for {meta.file!r}")
        metas[meta.file] = meta
    return metas
