"""Periods: the years a query asks about, with "last year" read against each source's date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.expect import MONTHS, YEAR
from index.models import SourceMeta

MONTH = re.compile(rf"\b(?:{MONTHS})\b")
# A date as articles write one: "January 2023", "December 27, 2024".
DATE_PHRASE = re.compile(rf"\b(?:{MONTHS})(?:\s+\d{{1,2}},)?\s+{YEAR.pattern}")
_RELATIVE = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1}
RELATIVE_YEAR = re.compile(r"\b(last|past|previous|this|current|next)\s+year\b", re.IGNORECASE)
_IN_YEAR = re.compile(rf"\b(?:in|during|for|of|throughout)\s+(?={YEAR.pattern})", re.IGNORECASE)


@dataclass(frozen=True)
class PeriodQuery:
    """The years named in a query, a relative year ("last year" = -1), and the rest of it."""

    years: frozenset[str]
    relative: int | None
    rest: str

    @property
    def any(self) -> bool:
        return bool(self.years) or self.relative is not None


def parse_period(query: str) -> PeriodQuery:
    """Split "detainer requests in 2024" into the year 2024 and "detainer requests"."""
    years = frozenset(YEAR.findall(query))
    relative = RELATIVE_YEAR.search(query)
    rest = RELATIVE_YEAR.sub(" ", _IN_YEAR.sub(" ", query))
    rest = " ".join(YEAR.sub(" ", rest).split())
    return PeriodQuery(
        years=years,
        relative=_RELATIVE[relative.group(1).lower()] if relative else None,
        rest=rest,
    )


def source_year(meta: SourceMeta | None) -> int | None:
    """The year a source was written: its stated date, or else its approximate `year`."""
    if meta is None:
        return None
    found = YEAR.search(meta.date)
    return int(found.group(0)) if found else meta.year


def matches(period: str | None, wanted: PeriodQuery, meta: SourceMeta | None) -> bool:
    """True when a fact's period is one the query asks for (any, when it asks for none)."""
    if not wanted.any:
        return True
    named = set(YEAR.findall(period or ""))
    if named & wanted.years:
        return True
    written = source_year(meta)
    return (
        wanted.relative is not None
        and written is not None
        and str(written + wanted.relative) in named
    )
