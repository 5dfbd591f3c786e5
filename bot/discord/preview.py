"""Messages as the bot would send them, without Discord: `python -m bot ask --format discord`
(the /ask answer) and `python -m bot preview KIND` (every other message, over the real
sources with a few example rows in a database of its own, in memory)."""

from __future__ import annotations

from typing import Any

from bot.core.engine import Engine
from bot.discord import pages, render, reports
from bot.discord.choices import best_choices
from bot.discord.render import PRIVATE, Controls, OutgoingMessage
from bot.discord.service import AnswerService
from bot.discord.settings import BotSettings, ServerSettings, effective
from bot.discord.store import DM_SCOPE, Store

EXAMPLE_SERVER = 1
EXAMPLE_QUESTIONS = [
    "How many detainer requests did Boston police ignore in 2025?",
    "Who is the Boston police commissioner?",
]
EXAMPLE_DECLINED = [
    "What is the boiling point of mercury?",
    "What is the boiling point of mercury?",
    '=HYPERLINK("http://evil.example") Who painted the Mona Lisa?',
]


def discord_payload(engine: Engine, question: str) -> dict[str, Any]:
    """What /ask would send for `question`, in a server channel where the bot may pin,
    without curated answers (an empty, in-memory store, so previewing logs nothing)."""
    service = AnswerService(engine, Store(":memory:"))
    return render.answer_message(service.reply(question, DM_SCOPE)).payload()


def _with_files(message: OutgoingMessage) -> dict[str, Any]:
    """The payload, plus each attached file's text under `attachment_contents` (not part
    of what Discord receives: there for reading)."""
    payload = message.payload()
    if message.files:
        payload["attachment_contents"] = {
            f.filename: f.data.decode("utf-8", "replace") for f in message.files
        }
    return payload


def _example_store(service: AnswerService) -> Store:
    """A store with the example answers on record (the first pinned, votes on both) and
    the example declined questions, all in `EXAMPLE_SERVER`."""
    store = service.store
    for message_id, question in enumerate(EXAMPLE_QUESTIONS, start=1):
        store.record_answer(message_id, 10, EXAMPLE_SERVER, service.reply(question, 0).answer)
    first = store.sent_answer(1, EXAMPLE_SERVER)
    if first is not None:
        service.pin(first, 33, "A moderator")
        service.edit_pin(1, EXAMPLE_SERVER, "A moderator", add_alias="ICE holds ignored by BPD")
    for user, (message_id, vote) in enumerate([(1, 1), (1, 1), (2, -1), (2, -1), (2, 1)]):
        store.vote(message_id, EXAMPLE_SERVER, user, vote)
    for question in EXAMPLE_DECLINED:
        store.log_declined(question, service.match_key(question), EXAMPLE_SERVER)
    return store


def preview(engine: Engine, kind: str, text: str | None = None) -> dict[str, Any]:
    """The payload of the message `kind` names (`bot.discord.previews.PREVIEWS`); `text` is
    the question (private, forum, reply) or what is typed (fact-choices)."""
    service = AnswerService(engine, Store(":memory:"))
    question = text or EXAMPLE_QUESTIONS[0]
    if kind in ("private", "forum", "reply"):
        where = {
            "private": PRIVATE,
            "forum": Controls(pin=True, delete=True, solved=True),
            "reply": Controls(pin=True, delete=True),
        }[kind]
        return render.answer_message(service.reply(question, DM_SCOPE), where).payload()
    defaults = BotSettings(_env_file=None, discord_token="preview")  # type: ignore[call-arg]
    chosen = effective(ServerSettings(), defaults)
    if kind == "help":
        return pages.help_message(service.sources(), chosen, set()).payload()
    if kind == "settings":
        return pages.settings_message(chosen, set()).payload()
    if kind == "fact-choices":
        from bot.exts.facts.choices import fact_queries

        queries = [(q, q) for q in fact_queries(engine.facts)]
        return {"choices": [c.to_dict() for c in best_choices(queries, text or "")]}
    store = _example_store(service)
    if kind == "pinned":
        total = store.pin_count(EXAMPLE_SERVER)
        listed = store.pins(EXAMPLE_SERVER, 0, reports.PINS_PER_PAGE)
        return reports.pinned_page(listed, 0, total).payload()
    if kind == "feedback":
        return reports.feedback_message(store.feedback(EXAMPLE_SERVER)).payload()
    rows = service.unanswered(EXAMPLE_SERVER, 30, None if kind != "unanswered" else 20)
    if kind == "unanswered":
        return reports.unanswered_message(rows, 30).payload()
    fmt = kind.removeprefix("unanswered-")
    return _with_files(reports.unanswered_export(rows, 30, EXAMPLE_SERVER, fmt))
