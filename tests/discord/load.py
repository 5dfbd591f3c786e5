"""The load scenario: many concurrent /ask interactions against the real client, with the
gateway heartbeat measured by the fake. Used by the load test (which asserts Discord's hard
requirements) and by `benchmarks/discord_load.py` (which prints the figures)."""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from pydantic import BaseModel

from bot.core.engine import Engine
from bot.discord.service import Reply
from bot.evaluate import load_eval
from tests.discord.fake_discord import INTERACTION_DEADLINE, FakeDiscord
from tests.discord.harness import running_bot
from tests.paths import ROOT

HEARTBEAT_INTERVAL = 0.5
# A heartbeat is late when it comes more than a whole interval after it was due: by then the
# next one is missed too, and Discord would take the connection for a zombie.
LATE_AFTER = HEARTBEAT_INTERVAL


class LoadFigures(BaseModel):
    interactions: int
    answered: int
    within_deadline: int
    refused: int
    ack_p50: float
    ack_p95: float
    ack_max: float
    answer_p95: float
    answer_max: float
    heartbeats: int
    heartbeat_lateness_max: float
    late_heartbeats: int

    def report(self) -> str:
        return (
            f"{self.interactions} concurrent /ask: {self.within_deadline} acknowledged within "
            f"{INTERACTION_DEADLINE:.0f} s, {self.answered} answered, {self.refused} refused; "
            f"ack latency p50 {self.ack_p50 * 1000:.0f} ms, p95 {self.ack_p95 * 1000:.0f} ms, "
            f"max {self.ack_max * 1000:.0f} ms; answer latency p95 "
            f"{self.answer_p95 * 1000:.0f} ms, max {self.answer_max * 1000:.0f} ms; "
            f"{self.heartbeats} heartbeats every {HEARTBEAT_INTERVAL} s, max lateness "
            f"{self.heartbeat_lateness_max * 1000:.0f} ms, {self.late_heartbeats} late"
        )


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


async def _run(engine: Engine, tmp_path: Path, count: int, delay: float) -> LoadFigures:
    questions = [item.question for item in load_eval(ROOT / "tests" / "questions.jsonl")]
    calls = [(10_000 + i, {"question": questions[i % len(questions)]}) for i in range(count)]
    async with running_bot(engine, tmp_path, FakeDiscord(HEARTBEAT_INTERVAL)) as (bot, fake):
        if delay:
            answer = bot.service.reply

            def slow_reply(question: str, scope: int) -> Reply:
                time.sleep(delay)  # a blocking retrieval, as over a large corpus
                return answer(question, scope)

            bot.service.reply = slow_reply  # type: ignore[method-assign]
        await asyncio.sleep(2 * HEARTBEAT_INTERVAL)
        records = await fake.slash_burst("ask", calls)
        await fake.wait_until(
            lambda: all(r.messages or r.refused for r in records), 60, "every answer"
        )
        await asyncio.sleep(2 * HEARTBEAT_INTERVAL)
        acks = [r.ack_latency for r in records if r.ack_latency is not None]
        answers = [r.answered_at - r.dispatched_at for r in records if r.answered_at]
        lateness = fake.heartbeat_lateness()
        return LoadFigures(
            interactions=count,
            answered=sum(1 for r in records if r.messages),
            within_deadline=sum(1 for a in acks if a <= INTERACTION_DEADLINE),
            refused=sum(1 for r in records if r.refused),
            ack_p50=statistics.median(acks),
            ack_p95=_p95(acks),
            ack_max=max(acks),
            answer_p95=_p95(answers),
            answer_max=max(answers),
            heartbeats=len(fake.heartbeats),
            heartbeat_lateness_max=max(lateness, default=0.0),
            late_heartbeats=sum(1 for x in lateness if x > LATE_AFTER),
        )


def run_load(engine: Engine, tmp_path: Path, count: int = 200, delay: float = 0.0) -> LoadFigures:
    """`delay`: seconds each retrieval blocks its thread, to show it never blocks the loop."""
    return asyncio.run(_run(engine, tmp_path, count, delay))
