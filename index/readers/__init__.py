"""One reader per document format, chosen by the file's suffix (index/readers/document.py
says what a reader returns). Adding a format is adding a reader module and its line in
`FORMATS`.

A reader's module is imported when a file of its format is first read: answering from a saved
index parses nothing, and docutils or markdown-it-py would cost every `ask` their import.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import PurePath

from index.readers.document import ReadDocument, Reader


@dataclass(frozen=True)
class Format:
    """A format: its reader (module and class), the suffixes it claims, and whether offsets
    index the file's own text (False: a reading of it, such as a page's visible text)."""

    name: str
    module: str
    reader: str
    suffixes: tuple[str, ...]
    own_text: bool = True


FORMATS = (
    Format("text", "index.readers.plain_text", "PlainTextReader", (".txt",)),
    Format("markdown", "index.readers.commonmark", "MarkdownReader", (".md", ".markdown")),
    Format("rst", "index.readers.restructured", "RstReader", (".rst", ".rest")),
    Format("html", "index.readers.html_page", "HtmlReader", (".html", ".htm"), own_text=False),
)
# Raised whenever a reader's output changes, so a saved index read the old way is rebuilt.
READERS_VERSION = 12
# Libraries whose output is the readers' output: another release may read a file otherwise.
_PARSERS = ("markdown-it-py", "mdit-py-plugins", "docutils", "PyYAML")
_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}
SOURCE_SUFFIXES = tuple(_BY_SUFFIX)


def format_of(name: str) -> Format | None:
    """The format of a file name, by its suffix (any case); None when no reader knows it."""
    return _BY_SUFFIX.get(PurePath(name).suffix.lower())


@cache
def _reader(fmt: Format) -> Reader:
    return getattr(importlib.import_module(fmt.module), fmt.reader)()


def read_document(name: str, text: str) -> ReadDocument:
    """The file `name` (its UTF-8 text) read by its format's reader; as plain text when no
    reader claims its name (a caller that knows better never asks)."""
    return _reader(format_of(name) or FORMATS[0]).read(text)


@cache
def readers_version() -> str:
    """What the saved index records of how its documents were read: this module's version
    and each parsing library's release."""
    return "+".join([str(READERS_VERSION), *(f"{name}={version(name)}" for name in _PARSERS)])
