"""Running at scale, measured: the store's writes and reads per second on each backend,
how long a change takes to reach another process (PostgreSQL's LISTEN/NOTIFY), psycopg 3
against asyncpg for the store's statements, and the gateway events per second one bot
process takes. Outside the tests.

    python benchmarks/store_backends.py [--calls 1000] [--blocks 10] [--database-url URL]
                                        [--events 20000] [--skip store,notify,drivers,gateway]

The machine may be shared: the peers of each figure (SQLite and PostgreSQL; the drivers) are
measured in the same blocks of calls, interleaved, so a busy moment falls on all of them.
Each figure is calls a second (from the mean call, as a loop of calls would go) and the
median call. PostgreSQL is a throwaway cluster on loopback, started as the tests start
theirs but durable (every commit waits for the disk, as SQLite's synchronous=FULL does),
unless `--database-url` names an empty database on a server of your own; the SQLite file is
in a temporary folder on the same disk. asyncpg is measured where it is installed: it is not
a dependency of the bot (README, "Running at scale", says how to measure it).
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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
import psycopg_pool

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
# A block of calls: `block(first, count)` makes `count` calls (numbered from `first`, so
# each writes its own row) and returns each call's seconds.
Block = Callable[[int, int], list[float]]


def timed(call: Callable[[int], object]) -> Block:
    """A block of `call(i)`, one after another."""

    def block(first: int, count: int) -> list[float]:
        samples = []
        for i in range(first, first + count):
            start = time.perf_counter()
            call(i)
            samples.append(time.perf_counter() - start)
        return samples

    return block


def interleaved(peers: dict[str, Block], calls: int, blocks: int) -> dict[str, list[float]]:
    """`calls` calls of each peer, in `blocks` blocks taken in turn."""
    samples: dict[str, list[float]] = {name: [] for name in peers}
    per_block = max(1, calls // blocks)
    for b in range(blocks):
        for name, block in peers.items():
            samples[name] += block(b * per_block, per_block)
    return samples


def figure(samples: list[float]) -> str:
    return (
        f"{len(samples) / sum(samples):>8,.0f}/s "
        f"(median {statistics.median(samples) * 1e6:>6,.0f} µs)"
    )


# --- the store's calls, on each backend -----------------------------------------------------


def store_figures(databases: dict[str, str], answer: Answer, calls: int, blocks: int) -> str:
    """What the bot's store thread does, one call after another, on each backend: the
    writes an answer, a vote, a claim and a declined question make; the reads a button
    press makes; and the look-up of the pins' keys every question makes (from memory)."""
    stores = {name: Store(database) for name, database in databases.items()}
    ops: dict[str, Callable[[Store, int], object]] = {
        "record an answer (write)": lambda s, i: _record(s, 10_000_000 + i, answer),
        "vote (write)": lambda s, i: s.vote(10_000_000 + i, GUILD, 7, 1),
        "claim a message (write)": lambda s, i: s.claim(10_000_000 + i),
        "log a declined question (write)": lambda s, i: s.log_declined(
            f"q{i}", f"q{i % 50}", GUILD
        ),
        "a sent answer (read)": lambda s, i: s.sent_answer(10_000_000 + i, GUILD),
        "a tally (read)": lambda s, i: s.tally(10_000_000 + i),
        "pins' keys, per question (memory)": lambda s, i: s.pin_keys(GUILD),
    }
    lines = ["  " + " " * 34 + "".join(f"{name:<30}" for name in stores)]
    try:
        for op, call in ops.items():
            peers = {
                name: timed(lambda i, s=store, c=call: c(s, i)) for name, store in stores.items()
            }
            samples = interleaved(peers, calls, blocks)
            lines.append(f"  {op:<34}" + "".join(f"{figure(s):<30}" for s in samples.values()))
    finally:
        for store in stores.values():
            store.close()
    return "\n".join(lines)


def _record(store: Store, message_id: int, answer: Answer) -> None:
    store.record_answer(message_id, 10, GUILD, answer, asked_by=7)


def _write_burst(database: str, first: int, calls: int, answer_json: str) -> float:
    """One of several processes recording answers at once; its seconds."""
    store = Store(database)
    answer = Answer.model_validate_json(answer_json)
    start = time.perf_counter()
    for i in range(calls):
        _record(store, first + i, answer)
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def parallel_writes(databases: dict[str, str], answer: Answer, processes: int, calls: int) -> str:
    """`processes` bot processes recording answers at the same time, on each backend:
    answers a second in all."""
    rates = []
    with ProcessPoolExecutor(processes) as pool:
        for offset, database in enumerate(databases.values()):
            jobs = [
                pool.submit(
                    _write_burst,
                    database,
                    20_000_000 * (p + 1) + offset * 1_000_000,
                    calls,
                    answer.model_dump_json(),
                )
                for p in range(processes)
            ]
            slowest = max(job.result() for job in jobs)
            rates.append(f"{processes * calls / slowest:>8,.0f}/s in all")
    label = f"{processes} processes recording answers"
    return f"  {label:<34}" + "".join(f"{r:<30}" for r in rates)


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


def notify_figures(database: str, changes: int) -> str:
    """From the start of one process's settings change (its commit included) to the
    other's memory holding it: the trigger's NOTIFY, the listening thread, the reload."""
    writer, other = Store(database), Watching(database)
    delays, commits = [], []
    try:
        if not other.listening.wait(10.0):
            raise RuntimeError("the other store never started listening")
        for i in range(changes):
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
        f"  a settings change reaching another process ({changes} changes): median "
        f"{statistics.median(delays) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max "
        f"{max(delays) * 1000:.1f} ms from the start of the writer's call, which itself "
        f"takes {statistics.median(commits) * 1000:.1f} ms (median; its commit waits for "
        "the disk)"
    )


# --- psycopg 3 against asyncpg ----------------------------------------------------------------

READ = "SELECT answer_json FROM answers WHERE message_id = {}"
WRITE = (
    "INSERT INTO claims (id, claimed_by, claimed_at) VALUES ({}, 'bench', '') "
    "ON CONFLICT DO NOTHING"
)
ON_RECORD = 1  # the message id of the answer the reads read (recorded by `main`)


class AsyncpgLoop:
    """asyncpg's connections on an event loop of their own, in a thread: blocks of awaited
    calls timed inside the loop (asyncpg at its best, as if the store were async), and
    single calls handed over from the calling thread (as the store thread would have to
    drive it)."""

    def __init__(self, asyncpg: Any, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.conn = self.run(asyncpg.connect(url))

        async def pool() -> Any:
            return await asyncpg.create_pool(url, min_size=1, max_size=2)

        self.pool = self.run(pool())

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def awaited(self, statement: Callable[[Any, int], Any], pooled: bool) -> Block:
        async def block(first: int, count: int) -> list[float]:
            samples = []
            for i in range(first, first + count):
                start = time.perf_counter()
                if pooled:
                    async with self.pool.acquire() as conn:
                        await statement(conn, i)
                else:
                    await statement(self.conn, i)
                samples.append(time.perf_counter() - start)
            return samples

        return lambda first, count: self.run(block(first, count))

    def from_a_thread(self, statement: Callable[[Any, int], Any]) -> Block:
        return timed(lambda i: self.run(statement(self.conn, i)))

    def close(self) -> None:
        self.run(self.conn.close())
        self.run(self.pool.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def _fetched(cursor: psycopg.Cursor) -> None:
    """A read's rows, fetched as the store fetches them (a write has none)."""
    if cursor.description is not None:
        cursor.fetchall()


def driver_figures(url: str, calls: int, blocks: int) -> str:
    """One primary-key read and one committed write, each call a round trip: through
    psycopg 3 on one held connection, and as the store makes them (a pooled connection per
    call, from its thread); through asyncpg awaited on its own event loop (held, pooled),
    and driven from another thread."""
    try:
        import asyncpg
    except ImportError:
        asyncpg = None
    held = psycopg.connect(url, autocommit=True)
    pool = psycopg_pool.ConnectionPool(url, min_size=1, max_size=2, open=True)
    other = AsyncpgLoop(asyncpg, url) if asyncpg is not None else None

    def pooled(sql: str, value: int) -> None:
        with pool.connection() as conn:
            _fetched(conn.execute(sql, (value,)))

    lines = []
    try:
        for op, template in (("read", READ), ("write", WRITE)):
            ps, ap = template.format("%s"), template.format("$1")

            def arg(i: int, peer: int, op: str = op) -> int:
                """The read's one row; each peer's writes their own rows (a conflicting
                insert writes nothing, and its commit would not wait for the disk)."""
                return ON_RECORD if op == "read" else 30_000_000 + peer * 1_000_000 + i

            peers: dict[str, Block] = {
                "psycopg 3, one connection": timed(
                    lambda i, ps=ps, arg=arg: _fetched(held.execute(ps, (arg(i, 0),)))
                ),
                "psycopg 3, pooled (the store)": timed(
                    lambda i, ps=ps, arg=arg: pooled(ps, arg(i, 1))
                ),
            }
            if other is not None:
                asyncpg_peers = (
                    "asyncpg, one connection, awaited",
                    "asyncpg, pooled, awaited",
                    "asyncpg, from another thread",
                )
                for peer, name in enumerate(asyncpg_peers, start=2):

                    def statement(conn: Any, i: int, ap: str = ap, p: int = peer) -> Any:
                        return conn.fetch(ap, arg(i, p))

                    peers[name] = (
                        other.from_a_thread(statement)
                        if name.endswith("thread")
                        else other.awaited(statement, pooled="pooled" in name)
                    )
            for name, samples in interleaved(peers, calls, blocks).items():
                lines.append(f"  {op}: {name:<36} {figure(samples)}")
    finally:
        held.close()
        pool.close()
        if other is not None:
            other.close()
    if other is None:
        lines.append("  asyncpg: not installed here (not a dependency); see the README")
    return "\n".join(lines)


# --- gateway events one process takes ------------------------------------------------------


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
        cpu, beats = _cpu_seconds(pid), len(fake.heartbeats)
        start = await fake.chatter(events)
        await fake.answered(await fake.slash("help"), timeout=600)
        elapsed, used = time.perf_counter() - start, _cpu_seconds(pid) - cpu
        gaps = [b - a for a, b in itertools.pairwise(fake.heartbeats[max(beats - 1, 0) :])]
        late = max((g - fake.heartbeat_interval for g in gaps), default=0.0)
        return (
            f"  {events:,} messages: {events / elapsed:,.0f} events/s through one process "
            f"({elapsed:.1f} s), {used / events * 1e6:.0f} µs of its CPU per event (one "
            f"core would take {events / used:,.0f}/s); heartbeats every "
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
    parser.add_argument("--calls", type=int, default=1000, help="calls per figure")
    parser.add_argument("--blocks", type=int, default=10, help="blocks they are taken in")
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
        store = Store(url)  # the tables, and the answer the drivers read
        store.record_answer(ON_RECORD, 10, GUILD, answer)
        store.close()
        databases = {
            "SQLite (synchronous=FULL)": str(tmp / "bench.sqlite3"),
            "PostgreSQL (fsync on)": url,
        }
        print(f"an answer's record: {len(answer.model_dump_json()):,} bytes of JSON", flush=True)
        if "store" not in skip:
            print("The store's calls, one after another:", flush=True)
            print(store_figures(databases, answer, args.calls, args.blocks), flush=True)
            print(parallel_writes(databases, answer, args.processes, args.calls), flush=True)
        if "notify" not in skip:
            print("PostgreSQL LISTEN/NOTIFY:", flush=True)
            print(notify_figures(url, min(args.calls, 300)), flush=True)
        if "drivers" not in skip:
            print("psycopg 3 against asyncpg, the same statements on the same server:", flush=True)
            print(driver_figures(url, args.calls, args.blocks), flush=True)
        if "gateway" not in skip:
            print("Gateway events, one bot process:", flush=True)
            print(gateway_figures(tmp / "gateway", args.events), flush=True)


if __name__ == "__main__":
    main()
