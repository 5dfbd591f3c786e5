"""The fact contract: what look-ups return and every face (CLI, JSON, Discord) renders."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from index.models import SourceMeta


class Figure(BaseModel):
    """A value read as a number: "more than 12" → 12, qualifier "more than"."""

    number: int | float
    unit: str | None = None
    qualifier: str | None = None


class Fact(BaseModel):
    """One attributed claim; `quote == source_text[start:end]` always, and holds `value`."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(description='Whom it is about, e.g. "Boston Police Department".')
    measure: str = Field(description='What is measured, e.g. "ICE detainer requests received".')
    period: str | None = Field(default=None, description='e.g. "2024"; none when timeless.')
    value: str = Field(description='The figure or name as written, e.g. "198", "Michael Cox".')
    number: int | float | None = None
    unit: str | None = None
    qualifier: str | None = None
    claimed_by: str
    source: str = Field(description="File name relative to the sources directory.")
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    line: int = Field(ge=1, description="1-based line of the source where the quote starts.")
    note: str | None = None
    aliases: list[str] = Field(default_factory=list)
    counts: str | None = Field(
        default=None,
        description='What the figure counts, as its table column names it ("Characters").',
    )
    origin: Literal["curated", "table"] = "curated"

    def agrees(self, other: Fact) -> bool:
        """Same number and unit; or, for names, one's words all within the other's
        ("Trust Act" agrees with "Boston Trust Act")."""
        if self.number is not None or other.number is not None:
            return (self.number, self.unit) == (other.number, other.unit)
        mine, theirs = set(self.value.casefold().split()), set(other.value.casefold().split())
        return mine <= theirs or theirs <= mine


class FactGroup(BaseModel):
    """Claims about one measure over one period; two or more values make a conflict."""

    measure: str
    period: str | None
    facts: list[Fact]

    @property
    def conflict(self) -> bool:
        return any(not a.agrees(b) for i, a in enumerate(self.facts) for b in self.facts[i + 1 :])


def group_key(fact: Fact) -> tuple[str, str | None]:
    """Claims are comparable when they share a measure (case and spacing aside) and a period."""
    return (" ".join(fact.measure.casefold().split()), fact.period)


class FactLookup(BaseModel):
    """The answer to a fact query: matching claims, group by group, or hints when none match."""

    query: str
    facts: list[Fact] = Field(default_factory=list, description="Best-matching group first.")
    score: float = Field(default=0.0, description="How well the best group matched, 0–100.")
    suggestions: list[str] = Field(
        default_factory=list, description="Closest measures, when nothing matched."
    )
    note: str = ""
    sources: dict[str, SourceMeta] = Field(
        default_factory=dict, description="Citation metadata of every source cited."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def conflict(self) -> bool:
        return any(g.conflict for g in self.groups)

    @property
    def groups(self) -> list[FactGroup]:
        """`facts` grouped by measure and period, in order."""
        groups: dict[tuple[str, str | None], FactGroup] = {}
        for fact in self.facts:
            group = groups.setdefault(
                group_key(fact), FactGroup(measure=fact.measure, period=fact.period, facts=[])
            )
            group.facts.append(fact)
        return list(groups.values())
