"""The store's schema 3: who asked, curated answers' aliases and edits, votes read back,
and each server's own settings (retention included), all scoped by server, on both backends
(`database`: SQLite, PostgreSQL); migrated from SQLite schema 2 without losing a row."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.discord.service import AnswerService
from bot.discord.settings import ServerSettings
from bot.discord.store import SCHEMA_VERSION, Store
from bot.models import Answer
from tests.discord.store_access import eventually, execute
from tests.discord.test_discord_service import (
    PINNED_QUESTION,
    old_database,
    schema,
    service_with_pin,
)

A, B = 100000000000000002, 100000000000000005  # the v2 dump's two servers
GUILD = 5  # `service_with_pin`'s server
ALIAS = "What number of ICE holds went unhonored by BPD last year?"


def test_a_v2_database_is_migrated_keeping_every_row(tmp_path: Path) -> None:
    path = old_database(tmp_path / "v2.sqlite3", 2)
    store = Store(path, declined_retention_days=None)
    assert store.schema_version == SCHEMA_VERSION == 4
    fresh = tmp_path / "fresh.sqlite3"
    Store(fresh).close()
    assert schema(path) == schema(fresh)  # migrating gives what a new database has
    sent = store.sent_answer(11, A)
    assert sent is not None and sent.asked_by is None  # asked before askers were recorded
    assert store.sent_answer(12, B) is not None and store.sent_answer(12, A) is None
    assert list(store.pin_keys(A)) == [11] and store.pin_aliases(A, 11) == ()
    pin = store.pinned(11, A)
    assert pin is not None and pin.aliases == [] and pin.edited_by_name is None
    assert store.tally(11).up == 1 and store.tally(12).down == 1
    assert [r.question for r in store.unanswered(A, days=3650)] == [
        "What is the boiling point of mercury?"
    ]
    assert store.server_settings(A) == ServerSettings()
    store.close()


def test_who_asked_is_recorded_and_a_deleted_answer_is_forgotten(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    store = stores()
    answer = engine.ask(PINNED_QUESTION)
    store.record_answer(1, 10, A, answer, asked_by=7001)
    store.record_answer(2, 10, A, answer)
    store.vote(1, A, 7002, 1)
    sent = store.sent_answer(1, A)
    assert sent is not None and sent.asked_by == 7001
    assert store.forget_answer(1, B) is False  # not from another server
    assert store.sent_answer(1, A) is not None
    assert store.forget_answer(1, A) is True
    assert store.sent_answer(1, A) is None and store.tally(1).up == 0
    assert store.sent_answer(2, A) is not None


def test_an_alias_gets_the_curated_answer_until_removed(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    store = stores()
    service = service_with_pin(engine, store)
    assert service.reply(ALIAS, GUILD).pinned is None
    assert service.edit_pin(11, GUILD, "Editor", add_alias=ALIAS)
    reply = service.reply(ALIAS, GUILD)
    assert reply.pinned is not None and reply.pinned.message_id == 11
    assert service.reply(ALIAS, GUILD + 1).pinned is None  # nor in another server
    assert store.pin_aliases(GUILD, 11) == (ALIAS,)
    pin = store.pinned(11, GUILD)
    assert pin is not None and pin.aliases == [ALIAS] and pin.edited_by_name == "Editor"
    assert pin.edited_at is not None
    assert service.edit_pin(11, GUILD, "Editor", remove_alias=ALIAS)
    assert service.reply(ALIAS, GUILD).pinned is None
    assert service.reply(PINNED_QUESTION, GUILD).pinned is not None


def test_a_new_wording_matches_and_shows_and_other_servers_cannot_edit(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    store = stores()
    service = service_with_pin(engine, store)
    wording = "Detainer requests ignored by Boston police in 2025"
    assert not service.edit_pin(11, GUILD + 1, "Intruder", question=wording)
    assert store.pin_questions(GUILD) == {11: PINNED_QUESTION}
    assert service.edit_pin(11, GUILD, "Editor", question=wording)
    assert store.pin_questions(GUILD) == {11: wording}
    reply = service.reply("boston police detainer requests ignored 2025", GUILD)
    assert reply.pinned is not None and reply.pinned.question == wording


def test_unpin_removes_the_aliases_too(engine: Engine, stores: Callable[..., Store]) -> None:
    store = stores()
    service = service_with_pin(engine, store)
    service.edit_pin(11, GUILD, "Editor", add_alias=ALIAS)
    assert store.unpin(11, GUILD)
    with store.db.read() as tx:
        assert tx.execute("SELECT COUNT(*) FROM pin_aliases").fetchone()[0] == 0
    assert store.pin_texts(GUILD) == []


def test_an_alias_added_by_another_process_is_served(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    store = stores()
    service = service_with_pin(engine, store)
    other = stores()
    assert service.reply(ALIAS, GUILD).pinned is None
    AnswerService(engine, other).edit_pin(11, GUILD, "Elsewhere", add_alias=ALIAS)
    eventually(lambda: service.reply(ALIAS, GUILD).pinned is not None)
    assert store.pin_aliases(GUILD, 11) == (ALIAS,)


def test_pins_are_listed_by_page_with_who_curated_them(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    store = stores()
    answer = engine.ask(PINNED_QUESTION)
    service = AnswerService(engine, store)
    for i in range(5):
        store.record_answer(i, 10, GUILD, answer.model_copy(update={"question": f"q{i}"}))
        sent = store.sent_answer(i, GUILD)
        assert sent is not None
        service.pin(sent, 33, f"Mod {i}")
    store.record_answer(99, 10, GUILD + 1, answer)
    assert store.pin_count(GUILD) == 5 and store.pin_count(GUILD + 1) == 0
    page = store.pins(GUILD, offset=2, limit=2)
    assert [p.question for p in page] == ["q2", "q3"]
    assert page[0].pinned_by_name == "Mod 2" and page[0].readable
    assert page[0].sources == list(dict.fromkeys(s.title for s in answer.snippets))
    with store.db.write() as tx:
        tx.execute("UPDATE pins SET answer_json = '{}' WHERE message_id = 2")
    damaged = store.pins(GUILD, offset=2, limit=1)[0]
    assert not damaged.readable and damaged.question == "q2"


def test_feedback_lists_the_most_downvoted_and_the_most_upvoted(
    stores: Callable[..., Store],
) -> None:
    store = stores()
    for message_id in range(1, 5):
        answer = Answer(question=f"question {message_id}", status="answered")
        store.record_answer(message_id, 10, A, answer)
    store.record_answer(9, 10, B, Answer(question="elsewhere", status="answered"))
    votes = {1: [1, 1, 1], 2: [-1, -1, 1], 3: [-1], 4: [], 9: [-1, -1, -1, -1]}
    for message_id, values in votes.items():
        guild = B if message_id == 9 else A
        for user, value in enumerate(values):
            store.vote(message_id, guild, user, value)
    rated = store.feedback(A)
    assert [(r.question, r.down, r.up) for r in rated.worst] == [
        ("question 2", 2, 1),
        ("question 3", 1, 0),
    ]
    assert [(r.question, r.up) for r in rated.best] == [("question 1", 3)]  # one list each
    assert [r.question for r in store.feedback(B).worst] == ["elsewhere"]


def test_server_settings_persist_reset_and_reach_another_process(
    database: str, stores: Callable[..., Store]
) -> None:
    store = stores()
    other = stores()
    chosen = ServerSettings(answer_channel_ids=[1, 2], cooldown_rate=2, mention_mode=False)
    store.set_server_settings(A, chosen, user_id=7)
    assert store.server_settings(A) == chosen and store.server_settings(B) == ServerSettings()
    # pin_keys: what every question does, the cheap look that reloads changes on SQLite.
    eventually(lambda: (other.pin_keys(A), other.server_settings(A))[1] == chosen)
    store.close()
    again = stores()
    assert again.server_settings(A) == chosen
    again.set_server_settings(A, ServerSettings(), user_id=7)  # nothing chosen: row deleted
    assert execute(database, "SELECT COUNT(*) FROM server_settings") == [(0,)]


def test_settings_that_no_longer_validate_cost_only_their_server(
    database: str, stores: Callable[..., Store], caplog: pytest.LogCaptureFixture
) -> None:
    store = stores()
    store.set_server_settings(A, ServerSettings(cooldown_rate=4), user_id=7)
    store.set_server_settings(B, ServerSettings(cooldown_rate=5), user_id=7)
    store.close()
    execute(
        database,
        "UPDATE server_settings SET settings_json = '{\"cooldown_rate\": 0}' WHERE guild_id = ?",
        (A,),
    )
    with caplog.at_level(logging.WARNING, logger="bot.discord.store"):
        store = stores()
    assert store.server_settings(A) == ServerSettings()
    assert store.server_settings(B).cooldown_rate == 5
    assert f"server {A}" in caplog.records[0].getMessage()


def test_each_server_keeps_declined_questions_for_its_own_retention(
    database: str, stores: Callable[..., Store]
) -> None:
    """A server's own retention applies to its rows only; the rest (rows of servers that
    chose none, and rows whose server is not known yet) follow the default."""
    store = stores(declined_retention_days=90)

    def add(guild: int | None, days_ago: float) -> None:
        asked = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")
        execute(
            database,
            "INSERT INTO declined (question, match_key, asked_at, guild_id) VALUES (?, ?, ?, ?)",
            (f"{guild} {days_ago}", f"{guild} {days_ago}", asked, guild),
        )

    for guild in (A, B, None):
        for days_ago in (3, 10, 100):
            add(guild, days_ago)
    store.set_server_settings(A, ServerSettings(retention_days=5), user_id=7)  # prunes at once
    kept = sorted(q for (q,) in execute(database, "SELECT question FROM declined"))
    assert kept == sorted([f"{A} 3", f"{B} 3", f"{B} 10", "None 3", "None 10"])
    store.set_server_settings(B, ServerSettings(retention_days=200), user_id=7)
    add(B, 150)
    store.log_declined("today", "today", A)  # every declined question prunes too
    assert f"{B} 150" in [r.question for r in store.unanswered(B, days=365)]


def test_unanswered_without_a_limit_lists_them_all(stores: Callable[..., Store]) -> None:
    store = stores()
    for i in range(30):
        store.log_declined(f"question {i}", f"key {i}", A)
    assert len(store.unanswered(A)) == 20
    assert len(store.unanswered(A, limit=None)) == 30
