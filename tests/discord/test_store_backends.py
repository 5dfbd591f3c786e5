"""The store on both backends, SQLite and PostgreSQL: each aggregate (sent answers, pins and
aliases, votes, declined log, server settings, claims), changes reaching another process,
each process holding only its own shards' servers, and migrations refusing a newer
database in one line, reloads racing on threads. The SQLite-only behaviours (WAL, a killed
writer, old schema dumps) are in test_store.py and test_discord_service.py, whose other
store tests run on both backends too."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from bot.discord import store as store_module
from bot.discord.database import open_database
from bot.discord.settings import ServerSettings
from bot.discord.sharding import Shards, shard_of
from bot.discord.store import SCHEMA_VERSION, Alias, Pin, PinEdit, Store, StoreError
from bot.models import Answer
from tests.discord.store_access import eventually, execute

A, B = 100000000000000002, 100000000000000005
C = A + (1 << 22)  # on the other shard of two
ANSWER = Answer(question="How many?", status="answered")


def pin_of(message_id: int, guild_id: int, key: str = "many") -> Pin:
    return Pin(
        message_id=message_id,
        channel_id=10,
        guild_id=guild_id,
        question=f"question {message_id}",
        match_key=key,
        answer=ANSWER,
        pinned_by=1,
        pinned_by_name="Mod",
        pinned_at=f"2026-01-01T00:00:{message_id % 60:02d}+00:00",
    )


def test_sent_answers_are_recorded_scoped_and_forgotten(stores: Callable[..., Store]) -> None:
    store = stores()
    store.record_answer(1, 10, A, ANSWER, asked_by=7)
    store.record_answer(1, 10, A, ANSWER.model_copy(update={"question": "again"}), asked_by=8)
    sent = store.sent_answer(1, A)
    assert sent is not None and sent.asked_by == 8 and sent.answer.question == "again"
    assert store.sent_answer(1, B) is None and store.answer_scope(1) == A
    assert store.answer_scope(2) is None
    store.vote(1, A, 7, 1)
    assert not store.forget_answer(1, B) and store.forget_answer(1, A)
    assert store.sent_answer(1, A) is None and store.tally(1).up == 0


def test_pins_and_aliases_round_trip(stores: Callable[..., Store]) -> None:
    store = stores()
    store.pin(pin_of(11, A, "detainer requests"))
    store.pin(pin_of(12, A, "ferries"))
    store.pin(pin_of(13, B))
    assert list(store.pin_keys(A)) == [11, 12] and list(store.pin_keys(B)) == [13]
    alias = Alias(text="ICE holds ignored", match_key="ice holds ignored")
    assert store.edit_pin(11, A, PinEdit(add_alias=alias), "Editor")
    assert store.edit_pin(11, A, PinEdit(question="Holds?", match_key="holds"), "Editor")
    assert not store.edit_pin(11, B, PinEdit(question="x"), "Intruder")
    assert store.pin_aliases(A, 11) == ("ICE holds ignored",)
    assert (11, "ICE holds ignored") in store.pin_texts(A)
    pin = store.pinned(11, A)
    assert pin is not None and pin.question == "Holds?" and pin.aliases == ["ICE holds ignored"]
    assert store.pin_channel(11, A) == 10 and store.pin_channel(11, B) is None
    assert store.pin_count(A) == 2
    assert [p.message_id for p in store.pins(A, offset=1, limit=5)] == [12]
    assert store.unpin(11, A) and not store.unpin(11, A)
    assert list(store.pin_keys(A)) == [12] and store.pin_aliases(A, 11) == ()


def test_votes_tally_and_feedback(stores: Callable[..., Store]) -> None:
    store = stores()
    for message_id in (1, 2):
        store.record_answer(
            message_id, 10, A, ANSWER.model_copy(update={"question": f"q{message_id}"})
        )
    assert not store.vote(1, A, 7, 1) and store.vote(1, A, 7, -1)  # changed
    store.vote(1, A, 8, -1)
    store.vote(2, A, 7, 1)
    assert store.tally(1).model_dump() == {"up": 0, "down": 2}
    rated = store.feedback(A)
    assert [r.question for r in rated.worst] == ["q1"] and [r.question for r in rated.best] == [
        "q2"
    ]
    assert store.feedback(B).worst == []


def test_declined_log_groups_and_prunes(stores: Callable[..., Store]) -> None:
    store = stores(declined_retention_days=90)
    for wording in ("Who won?", "who won", "Who won!"):
        store.log_declined(wording, "won", A)
    store.log_declined("Tides?", "tides", A)
    store.log_declined("elsewhere", "x", B)
    listed = store.unanswered(A)
    assert [(u.question, u.count) for u in listed] == [("Who won!", 3), ("Tides?", 1)]
    assert len(store.unanswered(A, limit=None)) == 2 and len(store.unanswered(A, limit=1)) == 1
    with store.db.write() as tx:
        tx.execute(
            "UPDATE declined SET asked_at = '2000-01-01T00:00:00+00:00' WHERE guild_id = ?", (B,)
        )
    assert store.prune_declined() == 1
    assert store.unanswered(B, days=3650) == []


def test_settings_persist_and_reach_another_process(stores: Callable[..., Store]) -> None:
    store, other = stores(), stores()
    chosen = ServerSettings(answer_channel_ids=[1, 2], cooldown_rate=2, retention_days=5)
    store.set_server_settings(A, chosen, user_id=7)
    assert store.server_settings(A) == chosen
    eventually(lambda: (other.pin_keys(A), other.server_settings(A))[1] == chosen)
    store.set_server_settings(A, ServerSettings(), user_id=7)
    eventually(lambda: (other.pin_keys(A), other.server_settings(A))[1] == ServerSettings())


def test_a_pin_made_by_another_process_is_served(stores: Callable[..., Store]) -> None:
    store, other = stores(), stores()
    other.pin(pin_of(21, A))
    eventually(lambda: list(store.pin_keys(A)) == [21])
    other.edit_pin(21, A, PinEdit(add_alias=Alias(text="more", match_key="more")), "Ed")
    eventually(lambda: (store.pin_keys(A), store.pin_aliases(A, 21))[1] == ("more",))
    other.unpin(21, A)
    eventually(lambda: store.pin_keys(A) == {})


def test_a_process_holds_and_prunes_only_its_own_shards(stores: Callable[..., Store]) -> None:
    assert shard_of(A, 2) != shard_of(C, 2) and shard_of(0, 2) == 0
    writer = stores()
    writer.pin(pin_of(31, A))
    writer.pin(pin_of(32, C))
    writer.set_server_settings(C, ServerSettings(cooldown_rate=4), user_id=7)
    mine = Shards(count=2, ids=(shard_of(C, 2),))
    held = stores(shards=mine)
    assert list(held.pin_keys(C)) == [32] and held.pin_keys(A) == {}
    assert held.server_settings(C).cooldown_rate == 4
    writer.pin(pin_of(33, A))  # another shard's server: never loaded here
    writer.pin(pin_of(34, C))
    eventually(lambda: list(held.pin_keys(C)) == [32, 34])
    assert held.pin_keys(A) == {}
    for guild in (A, C):
        writer.log_declined("old", "old", guild)
    with writer.db.write() as tx:
        tx.execute("UPDATE declined SET asked_at = '2000-01-01T00:00:00+00:00'")
    assert held.prune_declined() == 1  # C's only
    assert [u.question for u in writer.unanswered(A, days=36500)] == ["old"]


def test_exactly_one_process_claims_a_message(stores: Callable[..., Store]) -> None:
    first, second = stores(), stores()
    assert first.claim(41) and not second.claim(41) and not first.claim(41)
    assert second.claim(42)


def test_a_newer_database_is_refused_in_one_line(database: str) -> None:
    Store(database).close()
    db = open_database(database)
    with db.write() as tx:
        if db.kind == "sqlite":
            tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        else:
            tx.execute("UPDATE quotebot_schema SET version = ?", (SCHEMA_VERSION + 1,))
    db.close()
    with pytest.raises(StoreError) as refused:
        Store(database)
    message = str(refused.value)
    assert "\n" not in message and f"schema version {SCHEMA_VERSION + 1} is newer" in message
    assert "password" not in message


def test_both_backends_reach_the_same_version(database: str) -> None:
    store = Store(database)
    assert store.schema_version == SCHEMA_VERSION
    store.close()
    again = Store(database)  # reopening applies nothing
    assert again.schema_version == SCHEMA_VERSION
    again.close()


def test_a_reload_that_read_before_a_change_never_overwrites_it(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reloads of one store race when one thread (the listener, after a notice from
    another process) has read the pins and another (the store thread, after this process's
    own pin) reads and applies them before the first applies its older read: the new pin
    was lost from memory until the server's next change. A reload now reads and applies
    under one lock, so the later read is applied last."""
    store = Store(pg_url)
    read_done, go = threading.Event(), threading.Event()
    real = store_module.load_pins

    def slow_for_the_stale_reload(tx: object, scopes: object) -> object:
        loaded = real(tx, scopes)  # type: ignore[arg-type]
        if threading.current_thread().name == "stale reload":
            read_done.set()
            go.wait(10)
        return loaded

    monkeypatch.setattr(store_module, "load_pins", slow_for_the_stale_reload)
    try:
        stale = threading.Thread(target=store._reload, args=("pins", None), name="stale reload")
        stale.start()
        assert read_done.wait(10)
        pinning = threading.Thread(target=store.pin, args=(pin_of(51, A),))
        pinning.start()
        pinning.join(1.0)  # unserialized, the pin's own reload finished meanwhile
        go.set()
        stale.join(10)
        pinning.join(10)
        assert list(store.pin_keys(A)) == [51]
    finally:
        go.set()
        store.close()


def test_a_notice_that_is_not_quotebot_s_costs_nothing(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Anything sent on the channel by something else (a person in psql, another program)
    is logged and skipped; the changes after it still arrive. It used to end the listening
    thread, silently, and with it every later change."""
    store, other = Store(pg_url), Store(pg_url)
    try:
        other.pin(pin_of(61, A))  # seen by `store` only once it listens
        eventually(lambda: list(store.pin_keys(A)) == [61])
        for garbage in ("not json", '{"what": "pins"}', "[1, 2]"):
            execute(pg_url, "SELECT pg_notify('quotebot_changes', ?)", (garbage,))
        other.pin(pin_of(62, A))
        eventually(lambda: list(store.pin_keys(A)) == [61, 62])
        logged = [r.getMessage() for r in caplog.records if "not quotebot's" in r.getMessage()]
        assert {m.split("quotebot's: ", 1)[1] for m in logged} == {
            repr("not json"),
            repr('{"what": "pins"}'),
            repr("[1, 2]"),
        }
    finally:
        store.close()
        other.close()
