"""The answer contract: what every face (CLI, JSON, Discord) renders. Keep it stable."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.facts.models import FactLookup
from index.layout import line_of_offset
from index.models import SourceMeta

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
    publisher: str
    date: str
    score: float
    line: int = Field(ge=1, description="1-based line of the source where the quote starts.")
    claimed_by: str | None = Field(
        default=None, description="Who makes the claim, where the text says (conflicts)."
    )
    url: str | None = None


def quote_snippet(
    text: str,
    meta: SourceMeta,
    start: int,
    end: int,
    score: float,
    claimed_by: str | None = None,
) -> Snippet:
    """The cited quote `text[start:end]` of the source `meta` describes."""
    return Snippet(
        quote=text[start:end],
        source=meta.file,
        start=start,
        end=end,
        title=meta.title,
        publisher=meta.publisher,
        date=meta.date,
        url=meta.url,
        score=score,
        line=line_of_offset(text, start),
        claimed_by=claimed_by,
    )


class LineError(BaseModel):
    """`ask --jsonl`'s reply to an input line it could not ask (its bytes are not UTF-8)."""

    model_config = ConfigDict(extra="forbid")

    line: int = Field(ge=1, description="1-based line of standard input.")
    error: str


class Answer(BaseModel):
    """The engine's reply to one question."""

    model_config = ConfigDict(extra="forbid")

    question: str
    status: Status
    snippets: list[Snippet] = Field(default_factory=list)
    note: str = ""
    facts: FactLookup | None = Field(
        default=None, description="The fact card, shown before the quotes, when one matches."
    )
