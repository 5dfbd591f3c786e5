"""What the Discord face does, as plain functions over the engine and the store: answer a
question (curated answers first), pin and unpin, vote, list sources and declined questions.

Nothing here touches Discord, so it is tested directly; `reply` is blocking and runs in an
executor thread, off the event loop. `scope` is the server a question comes from (the store's
`DM_SCOPE` for direct messages): pins and the declined log never cross from one to another.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import numpy as np
from pydantic import BaseModel
from rapidfuzz import fuzz, process

from bot.core.engine import Engine
from bot.core.expect import YEAR
from bot.core.question import QuestionError
from bot.discord.store import (
    DATABASE_ERRORS,
    Alias,
    Pin,
    PinEdit,
    SentAnswer,
    Store,
    Unanswered,
)
from bot.facts.lookup import lookup
from bot.facts.models import FactLookup
from bot.models import Answer
from index.source_text import SourceChanged

log = logging.getLogger(__name__)
SOURCE_CHANGED = (
    "A source this question needs changed since the bot started: ask again once it has "
    "restarted, which reads the sources again."
)


# A declined answer names this many of the sources closest to the question (not all of them:
# a community's folder holds dozens).
CLOSEST_TOPICS = 3
# Wordings whose match keys a process remembers: pins and the declined questions listed. Past
# this many (a long-running bot listing endless declined wordings) it starts afresh.
KEY_MEMO_LIMIT = 100_000


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
        # Pin wordings' sentence vectors by text, encoded once (semantic mode).
        self._pin_vectors: dict[str, np.ndarray] = {}
        # Wordings' match keys by text (pins, declined questions), as this version parses
        # them, worked out once.
        self._keys: dict[str, str] = {}

    def match_key(self, question: str) -> str:
        """The question's distinct search terms in order: wording, case, plurals and stop words
        do not matter when matching a later question to a pinned one."""
        try:
            return self.engine.match_key(question)
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

    def pinned_for(self, key: str, scope: int, vector: np.ndarray | None = None) -> Pin | None:
        """The curated answer of this scope whose question or alias is closest to the
        question, if close enough: by the words' match key (`PIN_MATCH_THRESHOLD`), or in
        semantic mode by meaning too (`Policy.pin_min_cosine`, put on the same 0-100 scale).
        Only that one pin is read from the store."""
        years = set(YEAR.findall(key))
        # Each pin's question and aliases, keyed as this version parses them: the key stored
        # with a pin is as the version that made it parsed the wording, and a later reading of
        # questions (a new stop word, the asker's own names in code left out) must not keep
        # the pin from matching. A wording about other years never matches ("in 2024" must not
        # get the pinned answer for 2025, however alike the rest).
        keys = [(m, self._key(text)) for m, text in self.store.pin_texts(scope)]
        keys = [(m, k) for m, k in keys if set(YEAR.findall(k)) == years]
        if not key or not keys:
            return None
        best = process.extractOne(
            key,
            [k for _, k in keys],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=self.pin_match_threshold,
        )
        chosen = (best[1], keys[best[2]][0]) if best else None
        meaning = self._pin_by_meaning(scope, vector, years)
        if meaning is not None and (chosen is None or meaning[0] > chosen[0]):
            chosen = meaning
        return self.store.pinned(chosen[1], scope) if chosen else None

    def _key(self, text: str) -> str:
        """A stored wording's match key as this version reads it, parsed once per process."""
        if text not in self._keys:
            if len(self._keys) >= KEY_MEMO_LIMIT:
                self._keys.clear()
            self._keys[text] = self.match_key(text)
        return self._keys[text]

    def unanswered(self, scope: int, days: int = 30, limit: int | None = 20) -> list[Unanswered]:
        """The scope's declined questions of the last `days`, grouped by wording as this
        version reads it, most frequent first (all when `limit` is None), each in its latest
        wording. The store groups by the key saved when a question was declined, which a
        later reading of questions (a new stop word, code names left out) would split."""
        merged: dict[str, Unanswered] = {}
        for row in self.store.unanswered(scope, days, None):
            key = self._key(row.question) or row.question
            seen = merged.get(key)
            if seen is None:
                merged[key] = row
                continue
            latest = row if row.last_asked > seen.last_asked else seen
            merged[key] = latest.model_copy(update={"count": seen.count + row.count})
        rows = sorted(merged.values(), key=lambda r: r.last_asked, reverse=True)
        rows.sort(key=lambda r: -r.count)  # most asked first; among equals, latest first
        return rows if limit is None else rows[:limit]

    def _pin_by_meaning(
        self, scope: int, vector: np.ndarray | None, years: set[str]
    ) -> tuple[float, int] | None:
        """(score, pin message id) of the pin wording of these years closest in meaning, if
        close enough; each wording is encoded once and kept."""
        encoder = self.engine.retriever.encoder
        texts = self.store.pin_texts(scope) if vector is not None and encoder else []
        texts = [(m, t) for m, t in texts if set(YEAR.findall(t)) == years]
        if not texts or encoder is None or vector is None:
            return None
        new = [t for _, t in texts if t not in self._pin_vectors]
        if new:
            self._pin_vectors.update(zip(new, encoder.encode(new), strict=True))
        cosines = np.array([self._pin_vectors[t] for _, t in texts]) @ vector
        best = int(np.argmax(cosines))
        policy = self.engine.config.policy
        score = policy.match_score(
            float(cosines[best]), policy.pin_min_cosine, self.pin_match_threshold
        )
        return (score, texts[best][0]) if score >= self.pin_match_threshold else None

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
                topics=self.topics()[:CLOSEST_TOPICS],
            )
        key = parsed.key
        pin = self.pinned_for(key, scope, parsed.vector)
        if pin is not None:
            mark = PinMark(
                question=pin.question,
                pinned_by_name=pin.pinned_by_name,
                pinned_at=pin.pinned_at,
                message_id=pin.message_id,
            )
            return Reply(answer=pin.answer, pinned=mark)
        try:
            answer = self.engine.answer(parsed)
        except SourceChanged as exc:  # that question fails; the bot goes on answering others
            log.warning("%s", exc)
            answer = Answer(question=parsed.text, status="no_answer", note=SOURCE_CHANGED)
            return Reply(answer=answer)
        if answer.status != "no_answer":
            return Reply(answer=answer)
        if key:
            try:
                self.store.log_declined(answer.question, key, scope)
            except DATABASE_ERRORS:
                log.exception("could not log the declined question %r", answer.question)
        return Reply(answer=answer, topics=self.engine.closest_titles(parsed, CLOSEST_TOPICS))

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
