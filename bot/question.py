"""Clean a user's question before it reaches the engine, and say what was changed."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel

from index.analyzer import normalize

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """The question cannot be asked at all (it is empty once cleaned)."""


class CleanQuestion(BaseModel):
    text: str
    notes: list[str]


_SPACES = re.compile(r"\s+")


def _is_control(ch: str) -> bool:
    """Control, format, private-use and unassigned characters (Unicode category C*)."""
    return unicodedata.category(ch).startswith("C")


def clean_question(raw: str) -> CleanQuestion:
    """Normalise as the index does (NFKC, invisible format characters such as a soft hyphen
    dropped: "de\u00adtainer" is "detainer"), drop control characters, fold white space, and
    cut over-long questions at a word."""
    notes: list[str] = []
    text = normalize(raw)
    if any(_is_control(ch) and not ch.isspace() for ch in text):
        notes.append("Control characters were removed from the question.")
    kept = "".join(" " if _is_control(ch) else ch for ch in text)
    text = _SPACES.sub(" ", kept).strip()
    if not text:
        raise QuestionError("The question is empty: please type a question.")
    if len(text) > MAX_QUESTION_CHARS:
        cut = text.rfind(" ", 0, MAX_QUESTION_CHARS)
        text = text[: cut if cut > MAX_QUESTION_CHARS // 2 else MAX_QUESTION_CHARS]
        notes.append(
            f"The question was {len(raw):,} characters long; only its first "
            f"{len(text)} characters were used."
        )
    return CleanQuestion(text=text, notes=notes)
