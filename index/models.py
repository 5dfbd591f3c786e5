"""Pydantic models for everything the index hands to the answer engine or writes to disk."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

NOT_STATED = "not stated"


class ManifestEntry(BaseModel):
    """What `sources.toml` may say of one file: every field but `file` overrides what the
    document says of itself."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(description="File name relative to the sources directory.")
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None
    year: int | None = Field(
        default=None, description="Approximate year written, when no date is stated."
    )
    aliases: list[str] | None = Field(
        default=None, description="Other names the document goes by (a tag's other names)."
    )
    description: str | None = None


class SourceMeta(BaseModel):
    """Citation metadata of one source file: from `sources.toml`, else from the document."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(description="File name relative to the sources directory.")
    title: str
    publisher: str = NOT_STATED
    date: str = NOT_STATED
    url: str | None = None
    note: str | None = None
    year: int | None = Field(
        default=None, description="Approximate year written, when no date is stated."
    )
    aliases: list[str] = Field(default_factory=list)
    description: str | None = None
    format: str = Field(default="text", description="The reader that read it: text, markdown…")
    origin: dict[str, str] = Field(
        default_factory=dict,
        description="Where each stated field came from: sources.toml, front matter, <title>…",
    )


class Span(BaseModel):
    """A half-open character range `[start, end)` into a source file's decoded text."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Chrome(Span):
    """Page furniture found at ingestion; it is never indexed nor quoted."""

    kind: str


class Sentence(Span):
    """A quotable unit: a sentence, an FAQ line or a table row."""

    line: int = Field(ge=1, description="1-based line of the file where the sentence starts.")
    kind: str = "prose"


class Passage(Span):
    """A few consecutive sentences of one section: the unit BM25 retrieves."""

    source: str
    sentences: list[Sentence]
    heading: str | None = None


class Cell(Span):
    """One cell, its surrounding spaces and pipes excluded."""

    text: str


class TableRow(Span):
    """A body row: the whole line, pipes included (as the index quotes it), and its cells."""

    line: int = Field(ge=1)
    cells: list[Cell]


class Table(BaseModel):
    """A pipe table: the heading just above it (its caption), header cells and body rows."""

    source: str
    caption: str | None
    header: list[str]
    rows: list[TableRow]


class FaqEntry(BaseModel):
    """One question and its answer, both as spans of the source text."""

    source: str
    question: Span
    answer: Span
    line: int = Field(ge=1, description="1-based line of the question.")
    answer_line: int = Field(ge=1)
    section_end: int | None = None
    """Where the entry's answer ends: the next heading or question, or the document's end
    (`answer` is only its opening). None in an index saved before it was recorded."""


class Document(BaseModel):
    """One ingested source: its metadata, checksum, and where its content and chrome lie."""

    meta: SourceMeta
    sha256: str
    chrome: list[Chrome]
    passages: list[Passage]
    tables: list[Table] = Field(default_factory=list)
    faqs: list[FaqEntry] = Field(default_factory=list)
