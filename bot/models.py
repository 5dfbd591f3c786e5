"""The answer contract: what every face (CLI, JSON, Discord) renders. Keep it stable."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.facts.models import FactLookup
from index.models import NOT_STATED, SourceMeta
from index.source_text import Text, file_span, line_at

Status = Literal["answered", "conflict", "no_answer"]
CONFLICT_NOTE = "The sources disagree; each claim is quoted with who made it."


class Snippet(BaseModel):
    """One verbatim quote: `source_text[start:end] == quote`, always."""

    model_config = ConfigDict(extra="forbid")

    quote: str
    source: str = Field(description="File name relative to the sources directory.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    title: str
    publisher: str | None = Field(description="None when the source does not state one.")
    date: str | None = Field(description="None when the source does not state one.")
    score: float
    line: int = Field(ge=1, description="1-based line of the source where the quote starts.")
    claimed_by: str | None = Field(
        default=None, description="Who makes the claim, where the text says (conflicts)."
    )
    url: str | None = None
    value: str | None = Field(
        default=None, description="The figure or name this quote states for its claim."
    )
    table_row: list[str] | None = Field(
        default=None, description="A table row's cells, shown as 'label: value'."
    )
    format: str = Field(
        default="text",
        description="The source's format (text, markdown, rst, html): what markup the quote holds.",
    )
    code: list[tuple[int, int]] = Field(
        default_factory=list, description="The quote's code blocks, as spans of the quote."
    )


class Corroboration(BaseModel):
    """Another place the sources state a claim already quoted: shown as a line, not a quote."""

    model_config = ConfigDict(extra="forbid")

    value: str
    claimed_by: str | None
    source: str
    title: str
    line: int = Field(ge=1)


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def table_cells(quote: str) -> list[str] | None:
    """The cells of a quoted pipe-table row ("| Label | 57 |" → ["Label", "57"]), else None."""
    stripped = quote.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")) or len(stripped) < 3:
        return None
    cells = [c.strip() for c in _CELL_SPLIT.split(stripped[1:-1])]
    return cells if len(cells) >= 2 else None


def table_label(text: str) -> str:
    """What a quoted pipe-table row is about: its first cell; any other text (an HTML page's
    row, read as its visible text) whole."""
    cells = table_cells(text)
    return cells[0] if cells else text


def table_values(text: str) -> str:
    """What a quoted pipe-table row states: its cells after the label ("| Number of Requests
    Ignored (2025) | 57 … |" → "57 …"), which names what is measured; any other text whole."""
    cells = table_cells(text)
    return " | ".join(cells[1:]) if cells else text


def quote_snippet(
    text: Text,
    meta: SourceMeta,
    start: int,
    end: int,
    score: float,
    claimed_by: str | None = None,
    code: list[tuple[int, int]] | None = None,
) -> Snippet:
    """The cited quote `text[start:end]` of the source `meta` describes, at its offsets in
    the file (for an HTML page, the span of markup whose visible text it is)."""
    in_file = file_span(text, start, end)
    return Snippet(
        quote=text[start:end],
        source=meta.file,
        start=in_file[0],
        end=in_file[1],
        title=meta.title,
        publisher=None if meta.publisher == NOT_STATED else meta.publisher,
        date=None if meta.date == NOT_STATED else meta.date,
        url=meta.url,
        table_row=table_cells(text[start:end]),
        score=score,
        line=line_at(text, start),
        claimed_by=claimed_by,
        format=meta.format,
        code=code or [],
    )


class LineError(BaseModel):
    """`ask --jsonl`'s reply to an input line it could not ask (its bytes are not UTF-8) or
    answer (a source it would quote changed since the index was loaded)."""

    model_config = ConfigDict(extra="forbid")

    line: int = Field(ge=1, description="1-based line of standard input.")
    error: str


class Answer(BaseModel):
    """The engine's reply to one question (schema 2: see the README)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[2] = 2
    question: str
    status: Status
    answer: str | None = Field(
        default=None, description="The answer itself, in one line, when there is one."
    )
    snippets: list[Snippet] = Field(default_factory=list)
    corroborated_by: list[Corroboration] = Field(
        default_factory=list, description="Where else the sources state a quoted claim."
    )
    note: str = ""
    facts: FactLookup | None = Field(
        default=None, description="The fact card, shown before the quotes, when one matches."
    )

    def quotes(self) -> list[list[Snippet]]:
        """The snippets grouped by the span they quote, in order of first appearance: one
        sentence that carries two parties' figures is two claims (two snippets, each with its
        value and claimant) but one quote, shown once."""
        groups: dict[tuple[str, int, int], list[Snippet]] = {}
        for s in self.snippets:
            groups.setdefault((s.source, s.start, s.end), []).append(s)
        return list(groups.values())
