"""What the Discord face does, as plain functions over the engine and the store: answer a
question (curated answers first), pin and unpin, vote, list sources and declined questions.

Nothing here touches Discord, so it is tested directly; `reply` is blocking and runs in an
executor thread, off the event loop. `scope` is the server a question comes from (the store's
`DM_SCOPE` for direct messages): pins and the declined log never cross from one to another.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.discord.store import Alias, Pin, PinEdit, SentAnswer, Store
from bot.engine import Engine
from bot.facts.lookup import lookup
from bot.facts.models import FactLookup
from bot.models import Answer
from bot.question import QuestionError

log = logging.getLogger(__name__)


class PinMark(BaseModel):
    """Shown on an answer that comes from the moderators' curated answers."""

    question: str
    pinned_by_name: str
    pinned_at: str
    message_id: int


class Reply(BaseModel):
    """Everything a face needs to render one answer."""

    answer: Answer
    pinned: PinMark | None = None
    topics: list[str] = []


def confident(reply: Reply) -> bool:
    """Whether an answer is sure enough to post where nobody asked the bot (a new forum
    post): the one place that decides it, so it can be made stricter."""
    return reply.answer.status != "no_answer"


class SourceInfo(BaseModel):
    file: str
    title: str
    publisher: str
    date: str
    url: str | None
    passages: int


class AnswerService:
    """The engine plus the moderators' curation; thread-safe like the engine and the store."""

    def __init__(self, engine: Engine, store: Store, pin_match_threshold: float = 85.0) -> None:
        self.engine = engine
        self.store = store
        self.pin_match_threshold = pin_match_threshold

    def match_key(self, question: str) -> str:
        """The question's distinct search terms in order: wording, case, plurals and stop words
        do not matter when matching a later question to a pinned one."""
        try:
            return self.engine.parse(question).key
        except QuestionError:
            return ""

    def topics(self) -> list[str]:
        """What the sources cover, named for someone whose question they do not answer."""
        return [d.meta.title for d in self.engine.retriever.documents.values()]

    def sources(self) -> list[SourceInfo]:
        return [
            SourceInfo(
                file=d.meta.file,
                title=d.meta.title,
                publisher=d.meta.publisher,
                date=d.meta.date,
                url=d.meta.url,
                passages=len(d.passages),
            )
            for d in self.engine.retriever.documents.values()
        ]

    def fact(self, query: str) -> FactLookup:
        """/fact: every claim matching `query`; a query that cannot be asked gets the reason
        as the result's note, so the user is always answered."""
        try:
            parsed = self.engine.parse(query)
        except QuestionError as exc:
            return FactLookup(query=query, note=str(exc))
        if self.engine.facts is None:
            return FactLookup(query=parsed.text, note="No facts are loaded for these sources.")
        return lookup(self.engine.facts, parsed)

    def pinned_for(self, key: str, scope: int) -> Pin | None:
        """The curated answer of this scope whose question or alias has the match key
        closest to `key`, if close enough; only that one pin is read from the store."""
        keys = self.store.pin_match_keys(scope)  # each pin's question and aliases
        if not key or not keys:
            return None
        best = process.extractOne(
            key,
            [k for _, k in keys],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=self.pin_match_threshold,
        )
        return self.store.pinned(keys[best[2]][0], scope) if best else None

    def reply(self, question: str, scope: int) -> Reply:
        """A curated answer of this scope when one matches, else the engine's; declined
        questions are logged in the scope (a log that cannot be written costs only the log
        line: the user still gets the answer). The question is parsed once, here, and that
        parse serves every step."""
        try:
            parsed = self.engine.parse(question)
        except QuestionError as exc:
            return Reply(
                answer=Answer(question=question[:200], status="no_answer", note=str(exc)),
                topics=self.topics(),
            )
        key = parsed.key
        pin = self.pinned_for(key, scope)
        if pin is not None:
            mark = PinMark(
                question=pin.question,
                pinned_by_name=pin.pinned_by_name,
                pinned_at=pin.pinned_at,
                message_id=pin.message_id,
            )
            return Reply(answer=pin.answer, pinned=mark)
        answer = self.engine.answer(parsed)
        if answer.status != "no_answer":
            return Reply(answer=answer)
        if key:
            try:
                self.store.log_declined(answer.question, key, scope)
            except sqlite3.Error:
                log.exception("could not log the declined question %r", answer.question)
        return Reply(answer=answer, topics=self.topics())

    def pin(self, sent: SentAnswer, user_id: int, user_name: str) -> Pin:
        """Save a sent answer as curated, in the answer's own scope; committed before this
        returns."""
        pin = Pin(
            message_id=sent.message_id,
            channel_id=sent.channel_id,
            guild_id=sent.guild_id,
            question=sent.answer.question,
            match_key=self.match_key(sent.answer.question),
            answer=sent.answer,
            pinned_by=user_id,
            pinned_by_name=user_name,
            pinned_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.store.pin(pin)
        return pin

    def edit_pin(
        self,
        message_id: int,
        scope: int,
        editor: str,
        question: str | None = None,
        add_alias: str | None = None,
        remove_alias: str | None = None,
    ) -> bool:
        """A moderator's edit of a curated answer of this scope: its question's wording, an
        alias added (another wording that gets it) or removed, each with its match key;
        False when it is not pinned here. Committed before this returns."""
        edit = PinEdit(
            question=question,
            match_key=self.match_key(question) if question is not None else None,
            add_alias=Alias(text=add_alias, match_key=self.match_key(add_alias))
            if add_alias is not None
            else None,
            remove_alias=remove_alias,
        )
        return self.store.edit_pin(message_id, scope, edit, editor)
