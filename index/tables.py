"""Tables of a read document, cell by cell, with offsets into the reading text.

Tables hold structured claims ("| Number of Requests Ignored (2025) | 57 … |") that become
facts. A table is a run of row blocks that starts with a header row (its column names); its
caption is the heading of its section. Whichever format the rows came from (a Markdown pipe
table, an HTML `<table>`), the cells are spans the reader found.
"""

from __future__ import annotations

from index.models import Cell, Table, TableRow
from index.readers.document import ReadDocument, heading_text, is_heading, line_finder


def extract_tables(source: str, doc: ReadDocument) -> list[Table]:
    """Every table of the document that has a header row and body rows."""
    text = doc.text
    line_of = line_finder(doc)
    tables: list[Table] = []
    caption: str | None = None
    current: Table | None = None
    for block in doc.blocks:
        if is_heading(block):
            caption = heading_text(text, block)
        # A header row starts a table, even right after another table's rows: two tables
        # apart only by a blank line are two tables, not one with the second's header lost.
        if block.kind == "row" and block.header:
            header = [text[s:e] for s, e in block.cells]
            current = Table(source=source, caption=caption, header=header, rows=[])
            tables.append(current)
        elif block.kind == "row" and not block.header and current is not None:
            cells = [Cell(start=s, end=e, text=text[s:e]) for s, e in block.cells]
            if cells:
                current.rows.append(
                    TableRow(
                        start=block.start, end=block.end, line=line_of(block.start), cells=cells
                    )
                )
        elif block.kind != "row":
            current = None
    return [t for t in tables if t.rows]
