"""The curated facts file (`sources/facts.toml`), which moderators edit, checked entry by entry.

Every entry names a source and a verbatim quote. A wrong entry stops the build with the file,
the line, what is wrong and, for a quote not found, the closest passage of its source, so a
moderator can fix it without reading a traceback. An entry citing a source file that exists but
is not served (not UTF-8, empty, unreadable...) is not wrong: the file is, and it costs only
itself and the facts that cite it, skipped with a warning giving the real cause.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.facts.closest import closest
from bot.facts.models import Fact
from bot.facts.numbers import figure_fields
from index.errors import DataFileError, TomlEntries, line_containing, read_toml
from index.layout import LINE_BREAK
from index.models import Chrome
from index.source_text import Text as SourceText
from index.source_text import line_at
from index.sources_folder import beside_sources

Text = Annotated[str, StringConstraints(pattern=r"\S")]


class CuratedEntry(BaseModel):
    """One `[[fact]]` table as a moderator writes it; the rest of a Fact is derived."""

    model_config = ConfigDict(extra="forbid")

    subject: Text
    measure: Text
    period: Text | None = None
    value: Text
    claimed_by: Text
    source: Text
    quote: Text
    note: str | None = None
    aliases: list[Text] = Field(default_factory=list)


def load_curated(
    path: Path,
    texts: Mapping[str, SourceText],
    chrome: dict[str, list[Chrome]] | None = None,
    skipped: Callable[[str], str | None] = lambda _name: None,
) -> tuple[list[Fact], list[str]]:
    """The file's facts, checked against the sources, and warnings; a missing file means no
    curated facts, and one the sources folder's rule refuses (a link out of the folder) is an
    error. `skipped(name)` says why a source not among `texts` is not served (None: there is
    no such source, and citing it is an error)."""
    if beside_sources(path.parent, path.name) is None:
        return [], []
    text, data = read_toml(path)
    unknown = sorted(set(data) - {"fact"})
    if unknown:
        raise DataFileError(
            path, line_containing(text, unknown[0]), f"unknown table {unknown[0]!r}: use [[fact]]"
        )
    entries = data.get("fact", [])
    if not isinstance(entries, list):
        raise DataFileError(path, None, "expected [[fact]] tables")
    facts: list[Fact] = []
    seen: dict[tuple[str, ...], int] = {}
    unserved: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    cited: dict[str, _Cited] = {}
    lines = TomlEntries(text, "fact")
    for i, raw in enumerate(entries):
        check = _EntryCheck(path, lines, i)
        if not isinstance(raw, dict):
            raise check.error(None, "not a table: write each fact as a [[fact]] table")
        entry = check.entry(raw)
        if entry.source not in texts:
            reason = reasons.get(entry.source) or skipped(entry.source)
            if reason is None:
                known = ", ".join(sorted(texts)) or "none"
                raise check.error("source", f"no source named {entry.source!r} (sources: {known})")
            reasons[entry.source] = reason
            unserved[entry.source] += 1
            continue
        if entry.source not in cited:
            cited[entry.source] = _Cited(texts[entry.source])
        fact = check.fact(entry, cited[entry.source], (chrome or {}).get(entry.source, []))
        key = _identity(fact)
        if key in seen:
            raise DataFileError(
                path,
                check.start,
                f"fact {i + 1} duplicates the fact at line {seen[key]} "
                "(same claim, by the same claimant, from the same quote)",
            )
        seen[key] = check.start
        facts.append(fact)
    warnings = [
        f"{reasons[name]}; its {n} curated fact{'s' if n > 1 else ''} in {path} "
        f"{'are' if n > 1 else 'is'} skipped"
        for name, n in unserved.items()
    ]
    return facts, warnings


class _EntryCheck:
    """Validation of one entry, with the line of each of its fields for the messages."""

    def __init__(self, path: Path, lines: TomlEntries, index: int) -> None:
        self.path, self.lines, self.index, self.number = path, lines, index, index + 1
        self.start = lines.line(index) or 1

    def error(self, field: str | None, problem: str) -> DataFileError:
        line = self.lines.line(self.index, field) or 1
        return DataFileError(self.path, line, f"fact {self.number}: {problem}")

    def entry(self, raw: dict[str, object]) -> CuratedEntry:
        try:
            return CuratedEntry.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = str(first["loc"][0]) if first["loc"] else None
            if first["type"] == "missing":
                raise self.error(None, f"missing field {field!r}") from exc
            if first["type"] == "extra_forbidden":
                allowed = ", ".join(CuratedEntry.model_fields)
                raise self.error(field, f"unknown field {field!r} (fields: {allowed})") from exc
            if first["type"] == "string_pattern_mismatch":
                raise self.error(field, f"field {field!r} is empty") from exc
            raise self.error(field, f"field {field!r}: {first['msg']}") from exc

    def fact(self, entry: CuratedEntry, source: _Cited, chrome: list[Chrome]) -> Fact:
        start = source.text.find(entry.quote)
        if start < 0:
            raise self.error(
                "quote",
                f"quote not found verbatim in {entry.source}; closest passage "
                f"{closest(entry.quote, source.text, source.line)}",
            )
        end = start + len(entry.quote)
        for span in chrome:
            if span.start < end and start < span.end:
                raise self.error("quote", f"quote lies in page chrome ({span.kind}), never quoted")
        if entry.value not in entry.quote:
            raise self.error("value", f"value {entry.value!r} does not appear in the quote")
        return Fact(
            **entry.model_dump(),
            **figure_fields(entry.value),
            start=start,
            end=end,
            line=source.line(start),
            origin="curated",
        )


class _Cited:
    """A source that entries cite, decoded whole once (the quotes are searched for in it).
    Each entry's line is its line in the file, as `index.source_text.line_at` gives it: a
    mapped file or a reading of one (an HTML page's visible text) finds it from the breaks it
    keeps; a plain `str` has its breaks found here once, so that a line is a bisection, not a
    count per entry."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.text = str(source)
        self.breaks = (
            [found.start() for found in LINE_BREAK.finditer(self.text)]
            if isinstance(source, str)
            else None
        )

    def line(self, offset: int) -> int:
        """1-based line in the file of a character offset in the text."""
        if self.breaks is None:
            return line_at(self.source, offset)
        return bisect_left(self.breaks, offset) + 1


def _identity(fact: Fact) -> tuple[str, ...]:
    """Two entries are one fact when they make the same claim from the same quote."""
    parts = (fact.subject, fact.measure, fact.period or "", fact.value, fact.claimed_by)
    return (*(" ".join(p.casefold().split()) for p in parts), fact.source, str(fact.start))
