"""Load figures for the Discord face: N concurrent /ask interactions through the real
discord.py client against the loopback fake Discord (see tests/discord/).

    python benchmarks/discord_load.py [--count 200] [--repeat 3] [--pins 1000]

Prints, per run: interactions acknowledged within Discord's 3 s window, acknowledgement and
answer latency, and gateway heartbeat lateness. Then what matching a question against the
pins costs the store (`Store.pin_keys`, called once per question): with nothing changed (a
`PRAGMA data_version` look only), after another connection's commit that leaves the pins alone,
and after another connection's pin (the keys reloaded; the pins grow by one a round).
Runs outside the tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.discord.store import Pin, Store
from bot.loader import load_engine
from bot.models import Answer
from tests.discord.load import run_load
from tests.paths import SOURCES


def pin_lookup_figures(folder: Path, pins: int, rounds: int = 2000) -> str:
    """Median microseconds of `pin_keys` (once per question) when nothing changed, after
    another connection logged a question (a commit that leaves the pins alone), and after
    another connection pinned an answer (the keys are reloaded)."""
    store = Store(folder / "pins.sqlite3")
    answer = Answer(question="q", status="answered")

    def pin(i: int) -> Pin:
        return Pin(
            message_id=i, channel_id=1, guild_id=1, question=f"q{i}",
            match_key=f"term{i} other{i % 97}", answer=answer, pinned_by=1,
            pinned_by_name="m", pinned_at="2026-01-01",
        )  # fmt: skip

    for i in range(pins):
        store.pin(pin(i))
    other = Store(folder / "pins.sqlite3")
    changes = {
        "unchanged": lambda i: None,
        "after another connection logged a question": lambda i: other.log_declined("q", "q", 1),
        "after another connection pinned (keys reloaded)": lambda i: other.pin(pin(pins + i)),
    }
    figures = []
    for name, change in changes.items():
        samples = []
        for i in range(rounds):
            change(i)
            start = time.perf_counter()
            store.pin_keys(1)
            samples.append(time.perf_counter() - start)
        figures.append(f"{statistics.median(samples) * 1e6:.1f} µs {name}")
    other.close()
    store.close()
    return f"pin_keys over {pins}+ pins, median of {rounds}: " + ", ".join(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each retrieval blocks")
    parser.add_argument("--pins", type=int, default=1000, help="pins for the look-up figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine, _ = load_engine(SOURCES, Path(tmp) / "cache")
        for run in range(args.repeat):
            figures = run_load(engine, Path(tmp) / f"run{run}", args.count, args.delay)
            print(figures.report(), flush=True)
        print(pin_lookup_figures(Path(tmp), args.pins), flush=True)


if __name__ == "__main__":
    main()
