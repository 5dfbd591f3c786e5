"""Running at scale, proven on one machine: real `python -m bot run` processes with
different SHARD_IDS over one throwaway PostgreSQL on loopback, against the fake Discord's
shards. Every interaction is answered once, by the process owning its server; IDENTIFYs are
spaced across processes; during a hand-over (two processes on one shard) a mention is
answered once and a settings change reaches the other process within a second; killing a
process loses no stored answer, pin or vote; a pin made through one process is served by
another after re-sharding.

The processes are the real command (`tests.discord.processes`).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from bot.discord.client import IDENTIFY_GAP
from bot.discord.render import PINNED_LABEL
from tests.discord.fake_discord import (
    BOT_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    GUILD_ID,
    THIRD_CHANNEL_ID,
    THIRD_GUILD_ID,
    Dispatched,
    FakeDiscord,
    shard_of,
)
from tests.discord.harness import MANAGE_GUILD, MANAGE_MESSAGES, QUESTION, REWORDED
from tests.discord.processes import Fleet, fleet, ready

LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


async def answered_once(fake: FakeDiscord, record: Dispatched) -> dict[str, Any]:
    reply = await fake.answered(record, timeout=30)
    await asyncio.sleep(0.3)  # a second answer, were one coming
    assert len(record.messages) == 1, record.messages
    assert set(record.refused) <= {"second response"}, record.refused  # a hand-over's loser
    return reply


def claimed_by(url: str, message_id: int) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT claimed_by FROM claims WHERE id = %s", (message_id,)).fetchone()
    assert row is not None, f"message {message_id} was never claimed"
    return row[0]


def counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("answers", "pins", "votes")
        }


async def mention(fake: FakeDiscord, channel: int, text: str) -> int:
    """A member mentions the bot; the id of the thread it answered in, once."""
    before = set(fake.threads)
    message_id = await fake.post(f"<@{BOT_ID}> {text}", channel_id=channel)
    await fake.wait_until(lambda: set(fake.threads) - before, 30, "the answer's thread")
    (thread,) = set(fake.threads) - before
    await fake.wait_until(
        lambda: any(
            m["author"]["id"] == str(BOT_ID)
            for m in fake.messages.values()
            if m["channel_id"] == str(thread)
        ),
        30,
        "the answer",
    )
    await asyncio.sleep(0.5)
    assert set(fake.threads) - before == {thread}  # one thread: answered once
    return message_id


def test_sharded_processes_over_one_postgres(tmp_path: Path, pg_url: str) -> None:
    assert shard_of(GUILD_ID, 2) == 0 and shard_of(THIRD_GUILD_ID, 2) == 1

    async def scenario(bots: Fleet) -> None:
        fake = bots.fake
        pids = {
            0: bots.start("shard0", SHARD_COUNT="2", SHARD_IDS="0").pid,
            1: bots.start("shard1", SHARD_COUNT="2", SHARD_IDS="1").pid,
        }
        await ready(bots, 0)
        await ready(bots, 1)

        # Started together, the two IDENTIFYs were spaced by the database's lock.
        times = sorted(t for t, _ in fake.identifies)
        assert times[1] - times[0] >= IDENTIFY_GAP - 0.05, times

        # Each interaction answered once, on its server's shard; mentions claimed by the
        # process that owns their server.
        replies = {}
        for channel in (CHANNEL_ID, THIRD_CHANNEL_ID, DM_CHANNEL_ID):
            record = await fake.slash("ask", channel_id=channel, question=QUESTION)
            replies[channel] = await answered_once(fake, record)
            assert replies[channel]["embeds"]
        for channel, shard in ((CHANNEL_ID, 0), (THIRD_CHANNEL_ID, 1)):
            asked = await mention(fake, channel, QUESTION)
            assert claimed_by(bots.url, asked).split(":")[1].startswith(f"{pids[shard]}/")

        # A pin and a vote, through the process of shard 0.
        answer = int(replies[CHANNEL_ID]["id"])
        await asyncio.sleep(0.5)  # the answer's record is written just after it is sent
        pin = await fake.menu("Pin answer", answer, permissions=MANAGE_MESSAGES)
        assert "Pinned" in (await answered_once(fake, pin))["content"]
        vote = await fake.click("quotebot:vote:up", answer, user_id=7333)
        assert "recorded" in (await answered_once(fake, vote))["content"]

        # A hand-over: a second process on shard 0, its IDENTIFY spaced from the others.
        bots.start("shard0-new", SHARD_COUNT="2", SHARD_IDS="0")
        await ready(bots, 0, sessions=2)
        times = sorted(t for t, _ in fake.identifies)
        assert all(b - a >= IDENTIFY_GAP - 0.05 for a, b in itertools.pairwise(times))
        await mention(fake, CHANNEL_ID, f"{QUESTION} (during the hand-over)")

        # A settings change made by one of the two reaches the other within a second.
        change = await fake.slash(
            "settings cooldown", permissions=MANAGE_GUILD, questions=2, seconds=60
        )
        reply = await answered_once(fake, change)
        saved_at = time.time()
        assert reply["embeds"][0]["title"] == "Settings saved"
        assert "2 questions per 60 s" in reply["embeds"][0]["description"]
        reloaded = f"settings of server {GUILD_ID} changed by"
        await fake.wait_until(
            lambda: any(reloaded in bots.log(n) for n in ("shard0", "shard0-new")),
            5,
            "the other process reloading the settings",
        )
        seen_by = [n for n in ("shard0", "shard0-new") if reloaded in bots.log(n)]
        assert len(seen_by) == 1
        (line,) = [ln for ln in bots.log(seen_by[0]).splitlines() if reloaded in ln]
        logged = datetime.strptime(LOG_TIME.match(line)[1], "%Y-%m-%d %H:%M:%S,%f")  # type: ignore[index]
        assert logged.timestamp() - saved_at < 1.0

        # Killing a process loses nothing stored; the other one of shard 0 goes on.
        stored = counts(bots.url)
        assert stored["pins"] == 1 and stored["votes"] == 1 and stored["answers"] >= 5
        bots.kill("shard0")
        assert counts(bots.url) == stored
        record = await fake.slash("ask", question=OFF_TOPIC_QUESTION)
        await answered_once(fake, record)

        # Re-sharding: every process stopped, one process now runs everything; the pin
        # made through the first process of shard 0 is served by it.
        assert bots.stop("shard0-new") == 0 and bots.stop("shard1") == 0
        fake.shard_count = None
        bots.start("single")
        await ready(bots, 0, timeout=60)
        record = await fake.slash("ask", question=REWORDED)
        served = await answered_once(fake, record)
        assert served["embeds"][0]["author"]["name"] == PINNED_LABEL
        assert counts(bots.url)["votes"] == 1
        # Commands are registered by `python -m bot sync`, once; never by `run`.
        assert not [c.path for c in fake.calls if c.path.endswith("/commands")]
        for name in ("shard1", "shard0-new", "single"):  # killed, shard0 could not finish
            text = bots.log(name)
            assert " ERROR " not in text and "Traceback" not in text, text[-2000:]

    with fleet(tmp_path, pg_url, FakeDiscord(shard_count=2)) as bots:
        try:
            asyncio.run(scenario(bots))
        except BaseException:
            for name in ("shard0", "shard1", "shard0-new", "single"):
                if (tmp_path / f"{name}.log").exists():
                    print(f"--- {name} ---\n{bots.log(name)[-3000:]}")
            raise


OFF_TOPIC_QUESTION = "What is the boiling point of mercury?"
