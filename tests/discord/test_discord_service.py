"""Layer 1: curated answers, votes, the declined-question log and the SQLite store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot import engine as engine_module
from bot.discord.service import AnswerService
from bot.discord.store import Pin, SentAnswer, Store, StoreError
from bot.engine import Engine
from bot.question import ParsedQuestion, parse_question

PINNED_QUESTION = "How many detainer requests did Boston police ignore in 2025?"


def service_with_pin(engine: Engine, store: Store) -> AnswerService:
    service = AnswerService(engine, store)
    answer = engine.ask(PINNED_QUESTION)
    assert answer.status == "answered"
    store.record_answer(11, 22, answer)
    sent = store.sent_answer(11)
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
    reply = service.reply(question)
    assert reply.pinned is not None
    assert reply.pinned.pinned_by_name == "Mod"
    pinned = store.pinned(11)
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
    reply = service.reply(question)
    assert reply.pinned is None
    assert reply.answer == engine.ask(question)


def test_unpin_restores_the_engine(engine: Engine) -> None:
    store = Store(":memory:")
    service = service_with_pin(engine, store)
    assert store.unpin(11)
    assert not store.unpin(11)
    assert store.pin_keys() == {} and store.pinned(11) is None
    assert service.reply(PINNED_QUESTION).pinned is None


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
                question=f"q{i}",
                match_key=f"topic{i} other{i}",
                answer=answer,
                pinned_by=1,
                pinned_by_name="m",
                pinned_at="2026-01-01",
            )
        )
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    assert service.reply("Who is the ICE spokeswoman?").pinned is None
    assert not [s for s in statements if "FROM pins" in s]
    assert service.reply(PINNED_QUESTION).pinned is not None
    (read,) = [s for s in statements if "FROM pins" in s]
    assert read.endswith("WHERE message_id = 11")


def test_a_declined_question_is_parsed_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pin matching, the engine and the declined log share one parse of the question."""
    cleaned: list[str] = []

    def counting(raw: str, *args: Any) -> ParsedQuestion:
        cleaned.append(raw)
        return parse_question(raw, *args)

    monkeypatch.setattr(engine_module, "parse_question", counting)
    store = Store(":memory:")
    service = service_with_pin(engine, store)
    cleaned.clear()
    assert service.reply("What is the capital of France?").answer.status == "no_answer"
    assert cleaned == ["What is the capital of France?"]
    assert [r.count for r in store.unanswered()] == [1]


def test_declined_questions_are_logged_most_frequent_first(engine: Engine) -> None:
    store = Store(":memory:")
    service = AnswerService(engine, store)
    asked = ["What is the capital of France?"] * 3 + ["Who painted the Mona Lisa?"] * 2
    asked += ["what is the CAPITAL of france", "   ", PINNED_QUESTION]
    for question in asked:
        service.reply(question)
    rows = store.unanswered()
    assert [r.count for r in rows] == [4, 2]
    assert "France" in rows[0].question or "france" in rows[0].question
    assert "Mona Lisa" in rows[1].question


def test_no_answer_reply_names_the_topics(engine: Engine) -> None:
    reply = AnswerService(engine, Store(":memory:")).reply("What is the capital of France?")
    assert reply.answer.status == "no_answer"
    assert reply.topics == [d.meta.title for d in engine.retriever.corpus.documents]


def test_one_vote_per_user_per_answer(tmp_path: Path) -> None:
    store = Store(tmp_path / "db.sqlite3")
    assert store.vote(1, 100, 1) is False
    assert store.vote(1, 100, 1) is False
    assert store.vote(1, 100, -1) is True
    store.vote(1, 200, 1)
    store.vote(2, 100, 1)
    assert store.tally(1).model_dump() == {"up": 1, "down": 1}
    store.close()
    assert Store(tmp_path / "db.sqlite3").tally(1).model_dump() == {"up": 1, "down": 1}


def test_schema_is_created_in_wal_mode_and_reopens(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "db.sqlite3"
    store = service_with_pin(engine, Store(path)).store
    store.close()
    again = Store(path)
    assert again.schema_version == 1
    assert list(again.pin_keys()) == [11]
    assert again.sent_answer(11) == SentAnswer(
        message_id=11, channel_id=22, answer=engine.ask(PINNED_QUESTION)
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
    answer = Answer(question="q", status="answered")
    for i in range(1, 100000):
        store.pin(Pin(message_id=i, channel_id=1, question="q", match_key="q", answer=answer,
                      pinned_by=1, pinned_by_name="m", pinned_at="2026-01-01"))
        print(i, flush=True)
    """
)


def test_a_kill_loses_no_committed_pin(tmp_path: Path) -> None:
    """SIGKILL the writer mid-stream: every pin it reported committed is still there."""
    path = tmp_path / "db.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert writer.stdout is not None
    committed = 0
    for line in writer.stdout:
        committed = int(line)
        if committed >= 200:
            break
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    pinned = set(Store(path).pin_keys())
    assert set(range(1, committed + 1)) <= pinned
