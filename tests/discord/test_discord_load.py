"""200 concurrent /ask interactions through the real client: Discord's hard requirements."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from tests.discord.load import run_load


def test_200_concurrent_asks_meet_the_deadline_and_heartbeat(
    engine: Engine, tmp_path: Path
) -> None:
    figures = run_load(engine, tmp_path, 200)
    print(figures.report())
    assert figures.refused == 0
    assert figures.within_deadline == figures.answered == 200
    assert figures.heartbeats >= 4
    assert figures.late_heartbeats == 0


def test_slow_retrieval_never_blocks_the_gateway(engine: Engine, tmp_path: Path) -> None:
    """40 asks whose retrieval blocks for 0.25 s each: 10 s of work that would starve the
    heartbeat and miss every deadline if it ran on the event loop."""
    figures = run_load(engine, tmp_path, 40, delay=0.25)
    print(figures.report())
    assert figures.refused == 0
    assert figures.within_deadline == figures.answered == 40
    assert figures.late_heartbeats == 0
