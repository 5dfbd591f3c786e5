"""How every face cites a source in plain text: title, publisher, date, file and line."""

from __future__ import annotations

from bot.terminal import inline
from index.models import NOT_STATED


def cite(title: str, publisher: str | None, date: str | None, source: str, line: int) -> str:
    """“Title”, publisher, date (file, line N); what the source does not state is left out.
    All on one line: a line break or control character in them is shown as an escape."""
    known = [inline(p) for p in (publisher, date) if p and p != NOT_STATED]
    return ", ".join([f"“{inline(title)}”", *known]) + f" ({inline(source)}, line {line})"
