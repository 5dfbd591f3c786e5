"""Facts read from a source's pipe tables: the publisher's own structured claims.

A two-column table is a list of features ("| Number of Requests Ignored (2025) | 57 … |"):
the first cell is the measure, the second its value. A wider table whose first column holds
years is a series: each other column is a measure, each row a period.
"""

from __future__ import annotations

import re

from bot.core.expect import YEAR
from bot.core.question import plural
from bot.facts.models import Fact
from bot.facts.numbers import FIGURE, figure_fields, read_figure
from index.models import NOT_STATED, Cell, SourceMeta, Table, TableRow
from index.source_text import Text, line_at

_PERIOD_IN_LABEL = re.compile(rf"\s*\({YEAR.pattern}\)\s*")
# What a table writes in a cell that states nothing: no fact is made from it.
_PLACEHOLDERS = frozenset({"", "—", "–", "-", "n/a", "none"})
# Markdown's emphasis and code marks around a cell's text ("**6000**").
_EMPHASIS = "*_`"


def table_facts(tables: list[Table], text: Text, meta: SourceMeta) -> list[Fact]:
    """Every fact the tables of one source state, claimed by the source's publisher."""
    facts: list[Fact] = []
    for table in tables:
        series = all(YEAR.fullmatch(row.cells[0].text) for row in table.rows)
        for row in table.rows:
            for column in range(1, len(row.cells)):
                if row.cells[column].text.casefold() not in _PLACEHOLDERS:
                    facts.append(_fact(table, row, column, series, text, meta))
    return facts


def _fact(
    table: Table, row: TableRow, column: int, series: bool, text: Text, meta: SourceMeta
) -> Fact:
    label, cell = row.cells[0].text, row.cells[column]
    heading = table.header[column] if column < len(table.header) else ""
    if series:
        measure, period = heading, label
    else:
        measure = _PERIOD_IN_LABEL.sub(" ", label).strip()
        if len(row.cells) > 2 and heading:
            measure = f"{measure}: {heading}"
        years = YEAR.findall(label) or YEAR.findall(cell.text)
        period = years[0] if years else None
    opening = FIGURE.match(cell.text.lstrip(_EMPHASIS))
    value = _figure_text(cell, opening)
    # A cell states a figure only when it opens with one ("2014", "all 15"): a cell of prose
    # states none, whatever figure it mentions ("raises rate limits from 60 to 5000 requests
    # per hour" is no count of 60, nor a link's ".../3/getting-started" one of 3).
    figure = figure_fields(value) if opening else {}
    return Fact(
        subject=table.caption or meta.title,
        measure=measure,
        period=period,
        value=value,
        **figure,
        counts=_counted_by(heading) if len(row.cells) == 2 and not series else None,
        claimed_by=meta.publisher if meta.publisher != NOT_STATED else meta.title,
        source=table.source,
        quote=text[row.start : row.end],
        start=row.start,
        end=row.end,
        line=line_at(text, row.start),
        origin="table",
    )


def _figure_text(cell: Cell, opening: re.Match[str] | None) -> str:
    """The figure itself when the cell opens with one (`opening`: "57" of "57 civil …
    requests", "6000" of "**6000**"), else the cell's text."""
    if (
        opening
        and read_figure(opening.group(0)) is not None
        and not YEAR.fullmatch(opening.group(0))
    ):
        return opening.group(0)
    return cell.text


def _counted_by(heading: str) -> str | None:
    """What the figures of a two-column table's value column count, when its header names it
    in the plural ("| Element | Characters |": "| Title | 256 |" counts characters, not
    titles); None for a header that names the kind of value ("Count", "Limit", "Value")."""
    word = heading.strip(_EMPHASIS + " ")
    return word if " " not in word and plural(word) else None
