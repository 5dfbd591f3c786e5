"""The cells of a pipe-table row (`| a | b |`), as plain text and Markdown write them."""

from __future__ import annotations

import itertools

from index.layout import Line
from index.models import Cell
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
