"""Markdown pipe tables of a source, cell by cell, with offsets into the untouched text.

Tables hold structured claims ("| Number of Requests Ignored (2025) | 57 … |") that become
facts; extraction reuses the layout's line kinds, so a table inside page chrome is ignored.
"""

from __future__ import annotations

import itertools

from index.layout import Line
from index.models import Cell, Table, TableRow
from index.sentences import strip_span


def split_cells(line: Line) -> list[Cell]:
    """Cells of a `| a | b |` line; an escaped pipe (`\\|`) stays inside its cell."""
    text = line.text
    bounds = [i for i, ch in enumerate(text) if ch == "|" and (i == 0 or text[i - 1] != "\\")]
    if text.strip() and not text.strip().endswith("|"):
        bounds.append(len(text))
    cells: list[Cell] = []
    for left, right in itertools.pairwise(bounds):
        s, e = strip_span(text, left + 1, right)
        cells.append(Cell(start=line.start + s, end=line.start + e, text=text[s:e]))
    return cells


def extract_tables(source: str, text: str, lines: list[Line]) -> list[Table]:
    """Every pipe table of `text` (its lines classified) with a header row; rows keep exact
    offsets."""
    tables: list[Table] = []
    caption: str | None = None
    current: Table | None = None
    for line in lines:
        if line.kind == "heading":
            caption = line.stripped.lstrip("#").strip()
        if line.kind == "table-head" and current is None:
            current = Table(
                source=source, caption=caption, header=[c.text for c in split_cells(line)], rows=[]
            )
            tables.append(current)
        elif line.kind == "table" and current is not None:
            cells = split_cells(line)
            if cells:
                start, end = strip_span(text, line.start, line.end)
                current.rows.append(TableRow(start=start, end=end, line=line.number, cells=cells))
        elif line.kind not in ("table", "table-head"):
            current = None
    return [t for t in tables if t.rows]
