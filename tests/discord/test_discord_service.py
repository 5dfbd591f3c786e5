"""Layer 1: curated answers, votes, the declined-question log and the store (the tests that
take `stores` or `database` run on both backends, SQLite and PostgreSQL; the rest are
SQLite's own: WAL, a killed writer, old schemas)."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.core import engine as engine_module
from bot.core.engine import Engine
from bot.core.question import ParsedQuestion, parse_question
from bot.discord import service as service_module
from bot.discord.service import AnswerService
from bot.discord.store import DM_SCOPE, SCHEMA_VERSION, Pin, SentAnswer, Store, StoreError
from tests.discord.store_access import eventually, execute

PINNED_QUESTION = "How many detainer requests did Boston police ignore in 2025?"
GUILD = 5  # the server every row of these tests is in


def service_with_pin(engine: Engine, store: Store) -> AnswerService:
    service = AnswerService(engine, store)
    answer = engine.ask(PINNED_QUESTION)
    assert answer.status == "answered"
    store.record_answer(11, 22, GUILD, answer)
    sent = store.sent_answer(11, GUILD)
    assert sent is not None
    service.pin(sent, user_id=33, user_name="Mod")
    return service


@pytest.mark.parametrize(
    "question",
    [
        PINNED_QUESTION,
        "how many detainer requests did boston police ignore in 2025",
        "In 2025, how many detainer requests did the Boston police ignore?",
        "How many detainer request did Boston police ignore in 2025??",
    ],
)
def test_matching_questions_get_the_pinned_answer(engine: Engine, question: str) -> None:
    store = Store(":memory:")
    service = service_with_pin(engine, store)
    reply = service.reply(question, GUILD)
    assert reply.pinned is not None
    assert reply.pinned.pinned_by_name == "Mod"
    pinned = store.pinned(11, GUILD)
    assert pinned is not None and reply.answer == pinned.answer


@pytest.mark.parametrize(
    "question",
    [
        "How many detainer requests did ICE say it sent to Boston police in 2024?",
        "Who is the ICE spokeswoman?",
        "What is the capital of France?",
        "",
    ],
)
def test_other_questions_get_the_engine(engine: Engine, question: str) -> None:
    service = service_with_pin(engine, Store(":memory:"))
    reply = service.reply(question, GUILD)
    assert reply.pinned is None
    assert reply.answer == engine.ask(question)


def test_a_rewording_gets_the_pin_on_meaning_in_semantic_mode(
    engine: Engine, semantic_engine: Engine
) -> None:
    reworded = "In 2025 how many ICE detainers did the Boston police department not honor?"
    semantic = service_with_pin(semantic_engine, Store(":memory:"))
    assert semantic.reply(reworded, GUILD).pinned is not None
    assert semantic.reply("Who is the mayor of Boston?", GUILD).pinned is None
    other_year = "How many detainer requests did Boston police receive in 2024?"  # cosine 0.97
    assert semantic.reply(other_year, GUILD).pinned is None
    lexical = service_with_pin(engine, Store(":memory:"))
    assert lexical.reply(reworded, GUILD).pinned is None  # its words are too far apart


def test_a_pin_keyed_by_an_older_reading_of_questions_still_matches(
    engine: Engine, database: str, stores: Callable[..., Store]
) -> None:
    """A pin's match key is stored when it is made, by the version running then; a later
    version that reads questions otherwise (a new stop word, a code name left out) must not
    lose the pin: questions are matched with the pin's wording as this version reads it."""
    store = stores()
    service_with_pin(engine, store)
    execute(database, "UPDATE pins SET match_key = ?", ("key older version wrote",))
    other = stores()  # another process, or this one after an upgrade
    eventually(lambda: list(other.pin_keys(GUILD)) == [11])
    assert other.pin_keys(GUILD)[11] == "key older version wrote"
    reply = AnswerService(engine, other).reply(PINNED_QUESTION.lower(), GUILD)
    assert reply.pinned is not None and reply.pinned.message_id == 11


def test_unpin_restores_the_engine(engine: Engine, stores: Callable[..., Store]) -> None:
    store = stores()
    service = service_with_pin(engine, store)
    assert store.unpin(11, GUILD)
    assert not store.unpin(11, GUILD)
    assert store.pin_keys(GUILD) == {} and store.pinned(11, GUILD) is None
    assert service.reply(PINNED_QUESTION, GUILD).pinned is None


def test_a_question_reads_only_the_pin_it_matches(engine: Engine) -> None:
    """Matching uses the keys in memory: no pin row is read for a question no pin matches,
    and exactly the matching one for a question one does."""
    store = Store(":memory:")
    service = service_with_pin(engine, store)
    answer = engine.ask(PINNED_QUESTION)
    for i in range(100, 130):
        store.pin(
            Pin(
                message_id=i,
                channel_id=1,
                guild_id=GUILD,
                question=f"q{i}",
                match_key=f"topic{i} other{i}",
                answer=answer,
                pinned_by=1,
                pinned_by_name="m",
                pinned_at="2026-01-01",
            )
        )
    statements: list[str] = []
    store.db.connection.set_trace_callback(statements.append)
    assert service.reply("Who is the ICE spokeswoman?", GUILD).pinned is None
    assert not [s for s in statements if "FROM pins" in s]
    assert service.reply(PINNED_QUESTION, GUILD).pinned is not None
    (read,) = [s for s in statements if "FROM pins" in s]
    assert read.endswith(f"WHERE message_id = 11 AND guild_id = {GUILD}")


def test_a_declined_question_is_parsed_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pin matching, the engine and the declined log share one parse of the question; a pin's
    wording is parsed once per process, when a question is first matched with it."""
    cleaned: list[str] = []

    def counting(raw: str, *args: Any) -> ParsedQuestion:
        cleaned.append(raw)
        return parse_question(raw, *args)

    monkeypatch.setattr(engine_module, "parse_question", counting)
    store = Store(":memory:")
    service = service_with_pin(engine, store)
    cleaned.clear()
    assert service.reply("What is the capital of France?", GUILD).answer.status == "no_answer"
    assert cleaned == ["What is the capital of France?", PINNED_QUESTION]
    cleaned.clear()
    assert service.reply("What is the capital of France?", GUILD).answer.status == "no_answer"
    assert cleaned == ["What is the capital of France?"]
    assert [r.count for r in store.unanswered(GUILD)] == [2]


def test_declined_questions_are_logged_most_frequent_first(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    store = stores()
    service = AnswerService(engine, store)
    asked = ["What is the capital of France?"] * 3 + ["Who painted the Mona Lisa?"] * 2
    asked += ["what is the CAPITAL of france", "   ", PINNED_QUESTION]
    for question in asked:
        service.reply(question, GUILD)
    rows = store.unanswered(GUILD)
    assert [r.count for r in rows] == [4, 2]
    assert "France" in rows[0].question or "france" in rows[0].question
    assert "Mona Lisa" in rows[1].question


def test_declined_questions_are_grouped_as_this_version_reads_them(
    engine: Engine, stores: Callable[..., Store]
) -> None:
    """A question declined before an upgrade was logged under the key its version read; the
    same question declined since is one line with both counts, in its latest wording, and
    the list still runs most asked first."""
    store = stores()
    service = AnswerService(engine, store)
    store.log_declined("What is the capital of France?", "key older version wrote", GUILD)
    for question in ["what is the capital of france"] * 2 + ["Who painted the Mona Lisa?"] * 2:
        service.reply(question, GUILD)
    assert [r.count for r in store.unanswered(GUILD)] == [2, 2, 1]  # by the stored keys
    rows = service.unanswered(GUILD)
    assert [(r.question, r.count) for r in rows] == [
        ("what is the capital of france", 3),
        ("Who painted the Mona Lisa?", 2),
    ]
    assert service.unanswered(GUILD, limit=1) == rows[:1]


def test_no_answer_reply_names_the_topics(engine: Engine) -> None:
    reply = AnswerService(engine, Store(":memory:")).reply("What is the capital of France?", GUILD)
    assert reply.answer.status == "no_answer"
    assert reply.topics == [d.meta.title for d in engine.retriever.corpus.documents]


def test_one_vote_per_user_per_answer(stores: Callable[..., Store]) -> None:
    store = stores()
    assert store.vote(1, GUILD, 100, 1) is False
    assert store.vote(1, GUILD, 100, 1) is False
    assert store.vote(1, GUILD, 100, -1) is True
    store.vote(1, GUILD, 200, 1)
    store.vote(2, GUILD, 100, 1)
    assert store.tally(1).model_dump() == {"up": 1, "down": 1}
    store.close()
    assert stores().tally(1).model_dump() == {"up": 1, "down": 1}


def test_schema_is_created_in_wal_mode_and_reopens(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "db.sqlite3"
    store = service_with_pin(engine, Store(path)).store
    store.close()
    again = Store(path)
    assert again.schema_version == SCHEMA_VERSION
    assert list(again.pin_keys(GUILD)) == [11]
    assert again.sent_answer(11, GUILD) == SentAnswer(
        message_id=11, channel_id=22, guild_id=GUILD, answer=engine.ask(PINNED_QUESTION)
    )
    again.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_or_garbage_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        Store(newer)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match=r"garbage\.sqlite3"):
        Store(garbage)


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from bot.discord.store import Pin, Store
    from bot.models import Answer

    store = Store(sys.argv[1])
    if sys.argv[2] != "FULL":
        store.db.connection.execute(f"PRAGMA synchronous={sys.argv[2]}")
    print(store.pragma("journal_mode"), store.pragma("synchronous"), flush=True)
    answer = Answer(question="q", status="answered")
    for i in range(1, 100000):
        store.pin(Pin(message_id=i, channel_id=1, guild_id=1, question="q", match_key="q",
                      answer=answer, pinned_by=1, pinned_by_name="m", pinned_at="2026-01-01"))
        print(i, flush=True)
    """
)
CHILD_ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


@pytest.mark.parametrize(("synchronous", "level"), [("FULL", 2), ("OFF", 0)])
def test_a_kill_loses_no_committed_pin(tmp_path: Path, synchronous: str, level: int) -> None:
    """SIGKILL the writer mid-stream: every pin it reported committed is still there.

    What this proves: a *process* crash loses no committed pin. It passes with
    `synchronous=OFF` too (the second case), because a killed process's writes are already
    in the operating system's cache. Surviving a power cut or an OS crash is not something
    this test can show: that rests on WAL mode with `synchronous=FULL` (every commit waits
    for the WAL to reach the disk), so the pragmas the store relies on are asserted on the
    writer's live connection instead."""
    path = tmp_path / "db.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path), synchronous],
        stdout=subprocess.PIPE,
        text=True,
        env=CHILD_ENV,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().split() == ["wal", str(level)]
    committed = 0
    for line in writer.stdout:
        committed = int(line)
        if committed >= 200:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    pinned = set(Store(path).pin_keys(1))
    assert set(range(1, committed + 1)) <= pinned


def test_the_store_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    assert (store.pragma("journal_mode"), store.pragma("synchronous")) == ("wal", 2)
    store.close()


# --- servers ---------------------------------------------------------------------------------

A, B = 1001, 1002  # two servers


def test_nothing_crosses_servers(engine: Engine, stores: Callable[..., Store]) -> None:
    """A pin, a sent answer, a vote and a declined question of server A are invisible from
    server B and from direct messages, and the other way round."""
    store = stores()
    service = AnswerService(engine, store)
    store.record_answer(11, 22, A, engine.ask(PINNED_QUESTION))
    sent = store.sent_answer(11, A)
    assert sent is not None and store.sent_answer(11, B) is None
    service.pin(sent, user_id=33, user_name="Mod")
    assert service.reply(PINNED_QUESTION, A).pinned is not None
    assert service.reply(PINNED_QUESTION, B).pinned is None
    assert service.reply(PINNED_QUESTION, DM_SCOPE).pinned is None
    assert store.pin_keys(B) == {} and store.pinned(11, B) is None
    assert not store.unpin(11, B) and store.pinned(11, A) is not None

    service.reply("What is the capital of France?", B)
    service.reply("Who painted the Mona Lisa?", DM_SCOPE)
    assert [r.question for r in store.unanswered(B)] == ["What is the capital of France?"]
    assert store.unanswered(A) == []
    assert [r.question for r in store.unanswered(DM_SCOPE)] == ["Who painted the Mona Lisa?"]


def old_database(path: Path, version: int) -> Path:
    """A database file as schema `version` left it, from its frozen dump in `data/`."""
    with sqlite3.connect(path) as db:
        db.executescript((Path(__file__).parent / "data" / f"schema_v{version}.sql").read_text())
    return path


def v1_database(path: Path) -> Path:
    return old_database(path, 1)


def schema(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        return [" ".join(sql.split()) for (sql,) in rows]


def test_a_v1_database_is_migrated_and_its_rows_scoped(tmp_path: Path) -> None:
    """Schema 1 had no server ids. Migrated, its rows are kept but served nowhere until
    their server is known: answers and pins by their channel, votes by their answer; with
    the bot in one server only, all the rest (declined questions too) are that server's."""
    path = v1_database(tmp_path / "v1.sqlite3")
    store = Store(path, declined_retention_days=None)
    assert store.schema_version == SCHEMA_VERSION == 4
    fresh = tmp_path / "fresh.sqlite3"
    Store(fresh).close()
    assert schema(path) == schema(fresh)  # migrating gives what a new database has
    assert store.unscoped_rows() == 6
    assert store.pin_keys(A) == {} and store.sent_answer(11, A) is None
    assert store.unanswered(A) == []
    assert store.unscoped_channels() == {100000000000000003, 999}

    # Two servers: only what a known channel places is scoped.
    assert store.adopt_unscoped({100000000000000003: A}, only_guild=None) == 3
    assert list(store.pin_keys(A)) == [11] and store.pin_keys(B) == {}
    assert store.sent_answer(11, A) is not None and store.sent_answer(12, A) is None
    assert store.tally(11).up == 1
    assert store.unanswered(A, days=365) == []  # a declined question names no channel
    # One server: everything left is its own.
    assert store.adopt_unscoped({}, only_guild=B) == 0
    assert store.sent_answer(12, B) is not None
    assert [r.question for r in store.unanswered(B, days=365)] == [
        "What is the boiling point of mercury?"
    ]
    store.close()
    again = Store(path, declined_retention_days=None)
    assert list(again.pin_keys(A)) == [11] and again.unscoped_rows() == 0
    again.close()


def test_a_pin_that_no_longer_validates_is_skipped(
    engine: Engine, database: str, stores: Callable[..., Store], caplog: pytest.LogCaptureFixture
) -> None:
    """A stored pin whose answer JSON fails today's `Answer` (a schema change, a damaged
    row) is skipped with one log line; matching questions get the engine's answer."""
    store = stores()
    service = service_with_pin(engine, store)
    execute(database, "UPDATE pins SET answer_json = ?", ('{"question": "q", "status": "maybe"}',))
    with caplog.at_level(logging.WARNING, logger="bot.discord.store"):
        replies = [service.reply(PINNED_QUESTION, GUILD) for _ in range(3)]
    for reply in replies:
        assert reply.pinned is None and reply.answer == engine.ask(PINNED_QUESTION)
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["skipping pin 11"]


PINNING_PROCESS = textwrap.dedent(
    """
    import sys
    from bot.discord.store import Pin, Store
    from bot.models import Answer

    store = Store(sys.argv[1])
    answer = Answer.model_validate_json(sys.argv[3])
    if sys.argv[2] == "pin":
        store.pin(Pin(message_id=77, channel_id=1, guild_id=5, question=answer.question,
                      match_key=sys.argv[4], answer=answer, pinned_by=1, pinned_by_name="m",
                      pinned_at="2026-01-01"))
    else:
        store.unpin(77, 5)
    """
)


def test_a_pin_made_by_another_process_is_served(
    engine: Engine, database: str, stores: Callable[..., Store]
) -> None:
    """Two bot processes on one database: pins and unpins made by one are served by the
    other (its in-memory keys follow `PRAGMA data_version` on SQLite, notifications on
    PostgreSQL)."""
    store = stores()
    service = AnswerService(engine, store)
    assert service.reply(PINNED_QUESTION, GUILD).pinned is None  # keys loaded, none pinned
    answer = engine.ask(PINNED_QUESTION).model_dump_json()
    key = service.match_key(PINNED_QUESTION)
    for action in ("pin", "unpin"):
        subprocess.run(
            [sys.executable, "-c", PINNING_PROCESS, database, action, answer, key],
            check=True,
            env=CHILD_ENV,
            timeout=60,
        )

        def served(action: str = action) -> bool:
            pinned = service.reply(PINNED_QUESTION, GUILD).pinned
            return (pinned is not None and pinned.message_id == 77) == (action == "pin")

        eventually(served)
    # And within one process, two stores (two connections) see each other's pins too.
    other = stores()
    sent = other.sent_answer(11, GUILD)
    assert sent is None
    other.record_answer(11, 22, GUILD, engine.ask(PINNED_QUESTION))
    AnswerService(engine, other).pin(other.sent_answer(11, GUILD), 1, "m")  # type: ignore[arg-type]
    eventually(lambda: list(store.pin_keys(GUILD)) == [11])


def test_declined_questions_are_kept_only_for_the_retention(
    database: str, stores: Callable[..., Store]
) -> None:
    """Declined questions older than DECLINED_RETENTION_DAYS are deleted when the store
    opens and whenever another question is declined."""
    stores().close()
    old = (datetime.now(UTC) - timedelta(days=91)).isoformat(timespec="seconds")
    recent = (datetime.now(UTC) - timedelta(days=89)).isoformat(timespec="seconds")

    def add(asked_at: str) -> None:
        execute(
            database,
            "INSERT INTO declined (question, match_key, asked_at, guild_id) VALUES (?, ?, ?, ?)",
            (f"asked {asked_at}", asked_at, asked_at, GUILD),
        )

    def kept() -> list[str]:
        return sorted(q for (q,) in execute(database, "SELECT question FROM declined"))

    add(old)
    add(recent)
    store = stores(declined_retention_days=90)
    assert kept() == [f"asked {recent}"]
    add(old)
    store.log_declined("today", "today", GUILD)
    assert kept() == [f"asked {recent}", "today"]
    store.close()
    stores(declined_retention_days=1).close()
    assert kept() == ["today"]


def test_a_declined_log_that_cannot_be_written_costs_only_the_log(
    engine: Engine, stores: Callable[..., Store], caplog: pytest.LogCaptureFixture
) -> None:
    """The database is busy (another process holds it, or it cannot be reached) when a
    question is declined: the user still gets the answer; the failure is logged."""
    store = stores()
    failure = sqlite3.OperationalError if store.db.kind == "sqlite" else psycopg.OperationalError

    def busy(*args: object) -> None:
        raise failure("database is locked")

    store.log_declined = busy  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="bot.discord.service"):
        reply = AnswerService(engine, store).reply("What is the capital of France?", GUILD)
    assert reply.answer.status == "no_answer" and reply.topics
    assert "could not log the declined question" in caplog.records[0].getMessage()


def test_a_sent_answer_that_no_longer_validates_is_not_on_record(
    engine: Engine, database: str, stores: Callable[..., Store], caplog: pytest.LogCaptureFixture
) -> None:
    store = stores()
    store.record_answer(11, 22, GUILD, engine.ask(PINNED_QUESTION))
    execute(database, "UPDATE answers SET answer_json = '{\"snippets\": 3}'")
    with caplog.at_level(logging.WARNING, logger="bot.discord.store"):
        assert store.sent_answer(11, GUILD) is None
    assert "no longer reads as an answer" in caplog.records[0].getMessage()


def test_the_remembered_keys_are_bounded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Declined wordings are endless in a long-running bot: the keys a process remembers are
    dropped once there are KEY_MEMO_LIMIT of them, and worked out again when asked for."""
    monkeypatch.setattr(service_module, "KEY_MEMO_LIMIT", 3)
    service = AnswerService(engine, Store(":memory:"))
    keys = [service._key(f"what is the capital of country {n}") for n in range(7)]
    assert len(service._keys) <= 3
    assert service._key("what is the capital of country 0") == keys[0]
