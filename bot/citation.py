"""How every face cites a source in plain text: title, publisher, date, file and line."""

from __future__ import annotations

from index.models import NOT_STATED


def cite(title: str, publisher: str, date: str, source: str, line: int) -> str:
    """“Title”, publisher, date (file, line N); a field the source does not state says so."""
    who = f"publisher {NOT_STATED}" if publisher == NOT_STATED else publisher
    when = f"date {NOT_STATED}" if date == NOT_STATED else date
    return f"“{title}”, {who}, {when} ({source}, line {line})"
