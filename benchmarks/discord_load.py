"""Load figures for the Discord face: N concurrent /ask interactions through the real
discord.py client against the loopback fake Discord (see tests/discord/).

    python benchmarks/discord_load.py [--count 200] [--repeat 3]

Prints, per run: interactions acknowledged within Discord's 3 s window, acknowledgement and
answer latency, and gateway heartbeat lateness. Runs outside the tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.loader import load_engine
from tests.discord.load import run_load
from tests.paths import SOURCES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each retrieval blocks")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine, _ = load_engine(SOURCES, Path(tmp) / "cache")
        for run in range(args.repeat):
            figures = run_load(engine, Path(tmp) / f"run{run}", args.count, args.delay)
            print(figures.report(), flush=True)


if __name__ == "__main__":
    main()
