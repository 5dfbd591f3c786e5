"""The metadata manifest, `sources.toml` beside the sources: files stay byte-for-byte untouched."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from index.errors import DataFileError, line_containing
from index.models import SourceMeta

MANIFEST_NAME = "sources.toml"


def load_manifest(sources_dir: Path) -> dict[str, SourceMeta]:
    """Read `[[source]]` tables keyed by file name; a missing manifest means no metadata."""
    path = sources_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise DataFileError(path, None, f"not UTF-8 (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(path, getattr(exc, "lineno", None), f"invalid TOML: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise DataFileError(path, line_containing(text, "source"), "expected [[source]] tables")
    metas: dict[str, SourceMeta] = {}
    for i, entry in enumerate(entries):
        name = entry.get("file") if isinstance(entry, dict) else None
        line = line_containing(text, f'"{name}"') if name else None
        try:
            meta = SourceMeta.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors()
            )
            raise DataFileError(path, line, f"source entry {i + 1}: {problems}") from exc
        if meta.file in metas:
            raise DataFileError(path, line, f"duplicate entry for {meta.file!r}")
        metas[meta.file] = meta
    return metas
