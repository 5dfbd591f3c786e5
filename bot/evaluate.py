"""Score the engine on questions with known answers: accuracy@1/@3, abstention, quote length."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from bot.models import Answer
from index.errors import DataFileError, read_utf8
from index.layout import split_lines


class EvalItem(BaseModel):
    """One line of an eval file. `expect` defaults to "answered" when answers are given."""

    question: str
    answers: list[str] = Field(default_factory=list)
    expect: Literal["answered", "conflict", "no_answer"] | None = None
    source: str | None = Field(
        default=None, description="The file the right quote comes from (its name, or stem)."
    )

    @property
    def expected(self) -> str:
        return self.expect or ("answered" if self.answers else "no_answer")


class EvalReport(BaseModel):
    questions: int
    answerable: int
    accuracy_at_1: float
    accuracy_at_3: float
    answered_rate: float = Field(description="Share of answerable questions not declined.")
    unanswerable: int
    declined_rate: float = Field(description="Share of unanswerable questions declined.")
    conflicts: int
    conflicts_found: float
    median_quote_chars: float
    answer_lines: int = Field(
        default=0, description='Answerable questions answered with a value line ("57 — …").'
    )
    answer_lines_right: int = Field(
        default=0, description="Of those, the lines whose value states one of the answers."
    )
    failures: list[str]


def load_eval(path: Path) -> list[EvalItem]:
    """Parse a JSONL eval file; a bad line names the file and line, and a file that cannot be
    read or is not UTF-8 says so."""
    items = []
    for line in split_lines(read_utf8(path)):
        if not line.stripped:
            continue
        try:
            items.append(EvalItem.model_validate_json(line.text))
        except ValidationError as exc:
            raise DataFileError(path, line.number, exc.errors()[0]["msg"]) from exc
    return items


def _contains(quote: str, answers: Iterable[str]) -> bool:
    folded = quote.casefold()
    return any(a.casefold() in folded for a in answers)


def from_file(item: EvalItem, source: str) -> bool:
    """Whether a quote from `source` comes from the file the item names (by name, or by stem
    as XQuAD's items name their article); any file, for an item that names none."""
    return item.source is None or item.source in (source, Path(source).stem)


def right(item: EvalItem, source: str, quote: str) -> bool:
    """A quote answers the item: it holds one of its answers, from the file the item names."""
    return from_file(item, source) and _contains(quote, item.answers)


def line_states_answer(line: str, answers: Iterable[str]) -> bool:
    """Whether an answer line's value ("57" of "57 — Boston Police …") is one of `answers`,
    holds one, or one holds it (case, commas and spacing aside): the line states what the
    question asks, not just something its quote says."""

    def folded(text: str) -> str:
        return " ".join(text.casefold().replace(",", "").split())

    value = folded(line.split(" — ")[0])
    return any(value in folded(a) or folded(a) in value for a in answers)


def evaluate(items: list[EvalItem], ask: Callable[[str], Answer]) -> EvalReport:
    """Run every question through `ask` (which should return up to three quotes)."""
    at1 = at3 = answered = declined = conflicts_found = lines = lines_right = 0
    lengths: list[int] = []
    failures: list[str] = []
    answerable = [i for i in items if i.expected != "no_answer"]
    unanswerable = [i for i in items if i.expected == "no_answer"]
    conflicts = [i for i in items if i.expected == "conflict"]
    for item in items:
        answer = ask(item.question)
        if item.expected == "no_answer":
            declined += answer.status == "no_answer"
            if answer.status != "no_answer":
                failures.append(f"should decline: {item.question}")
            continue
        if answer.status != "no_answer":
            answered += 1
            lengths.append(len(answer.snippets[0].quote))
        if answer.status == "answered" and answer.answer:
            lines += 1
            lines_right += line_states_answer(answer.answer, item.answers)
        first = answer.snippets[0] if answer.snippets else None
        hit1 = first is not None and right(item, first.source, first.quote)
        at1 += hit1
        at3 += any(right(item, s.source, s.quote) for s in answer.snippets[:3])
        if item.expected == "conflict":
            conflicts_found += answer.status == "conflict"
        if not hit1 or (item.expected == "conflict" and answer.status != "conflict"):
            failures.append(f"{answer.status}: {item.question}")
    n = max(len(answerable), 1)
    return EvalReport(
        questions=len(items),
        answerable=len(answerable),
        accuracy_at_1=at1 / n,
        accuracy_at_3=at3 / n,
        answered_rate=answered / n,
        unanswerable=len(unanswerable),
        declined_rate=declined / max(len(unanswerable), 1),
        conflicts=len(conflicts),
        conflicts_found=conflicts_found / max(len(conflicts), 1),
        median_quote_chars=statistics.median(lengths) if lengths else 0.0,
        answer_lines=lines,
        answer_lines_right=lines_right,
        failures=failures,
    )


def format_report(report: EvalReport) -> str:
    lines = [
        f"questions            {report.questions}",
        f"accuracy@1           {report.accuracy_at_1:.3f}  ({report.answerable} answerable)",
        f"accuracy@3           {report.accuracy_at_3:.3f}",
        f"answered (not declined) {report.answered_rate:.3f}",
        f"declined when no answer {report.declined_rate:.3f}  ({report.unanswerable} such)",
        f"conflicts found      {report.conflicts_found:.3f}  ({report.conflicts} expected)",
        f"median quote chars   {report.median_quote_chars:.0f}",
        f"answer lines         {report.answer_lines}, "
        f"{report.answer_lines_right} stating one of the answers",
    ]
    return "\n".join(lines)
