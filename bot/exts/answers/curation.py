"""Moderators' curation, as plain functions: which curated answer an option names, and what
an edit may change."""

from __future__ import annotations

from collections.abc import Mapping

MAX_ALIASES = 20
MAX_ALIAS_CHARS = 100  # an alias is offered back for removal as an autocomplete value
NOTHING_TO_CHANGE = "Nothing to change: give a new question, an alias to add, or one to remove."


def chosen_pin(questions: Mapping[int, str], value: str) -> int | None:
    """The curated answer an option's value names: its message id (what autocomplete
    sends), or its question as typed (case and spacing aside); None when neither is one of
    `questions`."""
    value = value.strip()
    if value.isdigit() and int(value) in questions:
        return int(value)
    folded = " ".join(value.split()).casefold()
    for message_id, question in questions.items():
        if " ".join(question.split()).casefold() == folded:
            return message_id
    return None


def edit_problem(
    aliases: tuple[str, ...],
    question: str | None,
    add_alias: str | None,
    remove_alias: str | None,
) -> str | None:
    """Why an edit of a curated answer with `aliases` cannot be made; None when it can."""
    if question is None and add_alias is None and remove_alias is None:
        return NOTHING_TO_CHANGE
    if remove_alias is not None and remove_alias not in aliases:
        return "That answer has no such alias; pick one from the list."
    if add_alias is not None and add_alias not in aliases and len(aliases) >= MAX_ALIASES:
        return f"That answer has {MAX_ALIASES} aliases already: remove one first."
    return None
