"""Running at scale, measured: the store's writes and reads per second on each backend,
how long a change takes to reach another process (PostgreSQL's LISTEN/NOTIFY), psycopg 3
against asyncpg for the store's statements, and the gateway events per second one bot
process sustains. Outside the tests.

    python benchmarks/store_backends.py [--rounds 1000] [--database-url URL]
                                        [--events 20000] [--skip store,notify,drivers,gateway]

PostgreSQL is a throwaway cluster on loopback, started as the tests start theirs but
durable (every commit waits for the disk, as SQLite's synchronous=FULL does), unless
`--database-url` names an empty database on a server of your own. The SQLite file is in a
temporary folder. asyncpg is measured when it is installed; it is not a dependency of the
bot (README, "Running at scale", says how to measure it in a scratch virtualenv).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg

from bot.discord.settings import ServerSettings
from bot.discord.store import Store
from bot.loader import load_engine
from bot.models import Answer
from tests.discord.fake_discord import FakeDiscord
from tests.discord.postgres import start_cluster
from tests.discord.processes import Fleet, fleet, ready
from tests.paths import SOURCES

GUILD = 100000000000000002
QUESTION = "How many detainer requests did Boston police ignore in 2025?"


def figure(name: str, samples: list[float]) -> str:
    """Calls a second, one after another, and the median call."""
    return (
        f"  {name:<34} {len(samples) / sum(samples):>8,.0f}/s  "
        f"median {statistics.median(samples) * 1e6:>7,.0f} µs"
    )


def rate(name: str, work: Callable[[int], object], rounds: int) -> str:
    """`work(i)` for i in range(rounds), one after another."""
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        work(i)
        samples.append(time.perf_counter() - start)
    return figure(name, samples)


# --- the store's calls, on each backend -----------------------------------------------------


def store_figures(database: str, answer: Answer, rounds: int) -> list[str]:
    """What the bot's store thread does, one call after another: the writes an answer, a
    vote, a claim and a declined question make, the reads a button press and a pin
    look-up make."""
    store = Store(database)
    base = 10_000_000
    try:
        return [
            rate("record an answer (write)", lambda i: _record(store, base + i, answer), rounds),
            rate("vote (write)", lambda i: store.vote(base + i, GUILD, 7, 1), rounds),
            rate("claim a message (write)", lambda i: store.claim(base + i), rounds),
            rate(
                "log a declined question (write)",
                lambda i: store.log_declined(f"q{i}", f"q{i % 50}", GUILD),
                rounds,
            ),
            rate("a sent answer (read)", lambda i: store.sent_answer(base + i, GUILD), rounds),
            rate("a tally (read)", lambda i: store.tally(base + i), rounds),
            rate("pins' keys per question (memory)", lambda i: store.pin_keys(GUILD), rounds),
        ]
    finally:
        store.close()


def _record(store: Store, message_id: int, answer: Answer) -> None:
    store.record_answer(message_id, 10, GUILD, answer, asked_by=7)


def _write_burst(database: str, first: int, rounds: int, answer_json: str) -> float:
    """One of several processes recording answers at once; its seconds."""
    store = Store(database)
    answer = Answer.model_validate_json(answer_json)
    start = time.perf_counter()
    for i in range(rounds):
        _record(store, first + i, answer)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def parallel_writes(database: str, answer: Answer, processes: int, rounds: int) -> str:
    """`processes` bot processes recording answers at the same time: answers a second in
    all (SQLite serializes writers; PostgreSQL commits them side by side)."""
    with ProcessPoolExecutor(processes) as pool:
        jobs = [
            pool.submit(
                _write_burst, database, 20_000_000 * (p + 1), rounds, answer.model_dump_json()
            )
            for p in range(processes)
        ]
        slowest = max(job.result() for job in jobs)
    return (
        f"  {processes} processes recording answers  {processes * rounds / slowest:>8,.0f}/s in all"
    )


# --- a change reaching another process ------------------------------------------------------


class Watching(Store):
    """A store that tells when it has reloaded a change another process made."""

    def __init__(self, database: str) -> None:
        self.listening = threading.Event()
        self.seen = threading.Event()
        self.seen_at = 0.0
        super().__init__(database)

    def _changed_elsewhere(self, what: str, guild_id: int | None, by: str) -> None:
        super()._changed_elsewhere(what, guild_id, by)
        if what == "all":  # connected and listening: everything reloaded once
            self.listening.set()
        elif guild_id == GUILD and by:
            self.seen_at = time.perf_counter()
            self.seen.set()


def notify_figures(database: str, rounds: int) -> str:
    """From the start of one process's settings change (its commit included) to the
    other's memory holding it: the trigger's NOTIFY, the listening thread, the reload."""
    writer, other = Store(database), Watching(database)
    delays, commits = [], []
    try:
        if not other.listening.wait(10.0):
            raise RuntimeError("the other store never started listening")
        for i in range(rounds):
            other.seen.clear()
            start = time.perf_counter()
            writer.set_server_settings(GUILD, ServerSettings(cooldown_rate=1 + i % 5), 7)
            commits.append(time.perf_counter() - start)
            if not other.seen.wait(5.0):
                raise RuntimeError("a settings change never reached the other store")
            delays.append(other.seen_at - start)
    finally:
        writer.close()
        other.close()
    p95 = statistics.quantiles(delays, n=20)[-1]
    return (
        f"  settings change reaching another process, {rounds} changes: median "
        f"{statistics.median(delays) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max "
        f"{max(delays) * 1000:.1f} ms (the writer's own call: median "
        f"{statistics.median(commits) * 1000:.1f} ms)"
    )


# --- psycopg 3 against asyncpg ----------------------------------------------------------------

READ = "SELECT answer_json FROM answers WHERE message_id = {}"
WRITE = (
    "INSERT INTO claims (id, claimed_by, claimed_at) VALUES ({}, 'bench', '') "
    "ON CONFLICT DO NOTHING"
)
ON_RECORD = 1  # the message id of the answer the reads read (recorded by `main`)


def driver_figures(url: str, rounds: int) -> list[str]:
    """One primary-key read and one committed write, each call a round trip: through
    psycopg 3 on one held connection and as the store makes them (from its thread, a pooled
    connection per call); through asyncpg awaited on its own event loop (held, and pooled),
    and called from a thread as the store thread would have to call it."""
    from psycopg_pool import ConnectionPool

    read, write = READ.format("%s"), WRITE.format("%s")
    with psycopg.connect(url, autocommit=True) as conn:
        lines = [
            rate(
                "psycopg, one connection: read",
                lambda i: conn.execute(read, (ON_RECORD,)).fetchone(),
                rounds,
            ),
            rate(
                "psycopg, one connection: write",
                lambda i: conn.execute(write, (30_000_000 + i,)),
                rounds,
            ),
        ]
    with ConnectionPool(url, min_size=1, max_size=2, open=True) as pool:

        def pooled(sql: str, value: int) -> None:
            with pool.connection() as conn:
                conn.execute(sql, (value,))

        lines.append(
            rate("psycopg, pooled (the store): read", lambda i: pooled(read, ON_RECORD), rounds)
        )
        lines.append(
            rate(
                "psycopg, pooled (the store): write",
                lambda i: pooled(write, 31_000_000 + i),
                rounds,
            )
        )
    try:
        import asyncpg
    except ImportError:
        lines.append("  asyncpg: not installed here (not a dependency); see the README")
        return lines
    lines += asyncio.run(_asyncpg_figures(asyncpg, url, rounds))
    lines += _asyncpg_from_a_thread(asyncpg, url, rounds)
    return lines


async def _timed(name: str, call: Callable[[int], Awaitable[object]], rounds: int) -> str:
    """`await call(i)` for i in range(rounds), one after another."""
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        await call(i)
        samples.append(time.perf_counter() - start)
    return figure(name, samples)


async def _asyncpg_figures(asyncpg: Any, url: str, rounds: int) -> list[str]:
    read, write = READ.format("$1"), WRITE.format("$1")
    conn = await asyncpg.connect(url)
    lines = [
        await _timed(
            "asyncpg, one connection: read", lambda i: conn.fetchrow(read, ON_RECORD), rounds
        ),
        await _timed(
            "asyncpg, one connection: write", lambda i: conn.execute(write, 32_000_000 + i), rounds
        ),
    ]
    await conn.close()
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)

    async def pooled(sql: str, value: int) -> None:
        async with pool.acquire() as conn:
            await conn.execute(sql, value)

    lines.append(await _timed("asyncpg, pooled: read", lambda i: pooled(read, ON_RECORD), rounds))
    lines.append(
        await _timed("asyncpg, pooled: write", lambda i: pooled(write, 33_000_000 + i), rounds)
    )
    await pool.close()
    return lines


def _asyncpg_from_a_thread(asyncpg: Any, url: str, rounds: int) -> list[str]:
    """asyncpg driven from another thread (as the store thread, or the answer threads,
    would drive it): each call handed to the loop that owns the connection and waited for."""
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()

    def call(coro: object) -> object:
        return asyncio.run_coroutine_threadsafe(coro, loop).result()

    conn = call(asyncpg.connect(url))
    read, write = READ.format("$1"), WRITE.format("$1")
    lines = [
        rate(
            "asyncpg, from a thread: read", lambda i: call(conn.fetchrow(read, ON_RECORD)), rounds
        ),
        rate(
            "asyncpg, from a thread: write",
            lambda i: call(conn.execute(write, 34_000_000 + i)),
            rounds,
        ),
    ]
    call(conn.close())
    loop.call_soon_threadsafe(loop.stop)
    runner.join(5)
    return lines


# --- gateway events one process sustains ---------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """A process's CPU time so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gateway_figures(tmp: Path, events: int) -> str:
    """A real `python -m bot run` process against the fake Discord, sent `events` members'
    messages that do not mention it (what every server's chat sends a bot with the default
    intents) as fast as its connection takes them, then a /help: events a second from the
    first message to the /help's answer, the process's CPU time per event, and how late its
    heartbeats came meanwhile."""
    fake = FakeDiscord(heartbeat_interval=1.0)

    async def flood(bots: Fleet) -> str:
        await ready(bots, 0)
        pid = bots.processes["bot"].pid
        await fake.chatter(1000)  # warm: the message cache fills, code paths are hot
        await fake.answered(await fake.slash("help"), timeout=60)
        cpu, start = _cpu_seconds(pid), time.perf_counter()
        beats = len(fake.heartbeats)
        await fake.chatter(events)
        await fake.answered(await fake.slash("help"), timeout=600)
        elapsed, used = time.perf_counter() - start, _cpu_seconds(pid) - cpu
        gaps = [b - a for a, b in itertools.pairwise(fake.heartbeats[max(beats - 1, 0) :])]
        late = max((g - fake.heartbeat_interval for g in gaps), default=0.0)
        return (
            f"  {events:,} messages: {events / elapsed:,.0f} events/s through one process "
            f"({elapsed:.1f} s), {used / events * 1e6:.0f} µs of its CPU per event "
            f"(so at most {events / used:,.0f}/s on one core); heartbeats every "
            f"{fake.heartbeat_interval:.0f} s, the latest {late * 1000:.0f} ms late"
        )

    tmp.mkdir()
    with fleet(tmp, str(tmp / "bot.sqlite3"), fake) as bots:
        bots.start("bot", LOG_LEVEL="WARNING")
        return asyncio.run(flood(bots))


# --- the run ---------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres(url: str | None) -> Iterator[str]:
    """The PostgreSQL to measure: `url`, else a durable throwaway cluster."""
    if url is not None:
        yield url
        return
    cluster = start_cluster(durable=True)
    try:
        yield cluster.new_database()
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000, help="calls per figure")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to measure")
    parser.add_argument("--events", type=int, default=20000, help="gateway events sent")
    parser.add_argument("--processes", type=int, default=2, help="writers at once")
    parser.add_argument("--skip", default="", help="comma-separated: store,notify,drivers,gateway")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory() as folder, postgres(args.database_url) as url:
        tmp = Path(folder)
        engine, _ = load_engine(SOURCES, tmp / "cache", semantic=False)
        answer = engine.ask(QUESTION)
        print(f"an answer's record: {len(answer.model_dump_json()):,} bytes of JSON", flush=True)
        backends = {
            "SQLite (WAL, synchronous=FULL)": str(tmp / "bench.sqlite3"),
            "PostgreSQL (fsync on)": url,
        }
        if "store" not in skip:
            for name, database in backends.items():
                print(f"{name}, one call after another:", flush=True)
                for line in store_figures(database, answer, args.rounds):
                    print(line, flush=True)
                print(parallel_writes(database, answer, args.processes, args.rounds), flush=True)
        if "notify" not in skip:
            print("PostgreSQL LISTEN/NOTIFY:", flush=True)
            print(notify_figures(url, min(args.rounds, 300)), flush=True)
        if "drivers" not in skip:
            print("psycopg 3 against asyncpg, the same statements on the same server:", flush=True)
            store = Store(url)  # the tables, when the store figures were skipped
            store.record_answer(ON_RECORD, 10, GUILD, answer)
            store.close()
            for line in driver_figures(url, args.rounds):
                print(line, flush=True)
        if "gateway" not in skip:
            print("Gateway events, one bot process:", flush=True)
            print(gateway_figures(tmp / "gateway", args.events), flush=True)


if __name__ == "__main__":
    main()
