"""Real `python -m bot run` processes against the fake Discord, for the scale test and the
gateway benchmark (benchmarks/store_backends.py). A `sitecustomize` on their PYTHONPATH
points discord.py at the fake (its API base and gateway), as `harness.pointed_at` does
in-process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.discord.database import is_url
from bot.loader import load_engine
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.paths import ROOT, SOURCES

SHIM = """
import os
if os.environ.get("QUOTEBOT_FAKE_DISCORD_API"):
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route
    Route.BASE = os.environ["QUOTEBOT_FAKE_DISCORD_API"]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["QUOTEBOT_FAKE_DISCORD_GATEWAY"])
"""


class Fleet:
    """Bot processes over one database (`url`: PostgreSQL's, or a SQLite file's path), each
    logging to a file of its own under `tmp`."""

    def __init__(self, tmp: Path, fake: FakeDiscord, url: str) -> None:
        self.tmp, self.fake, self.url = tmp, fake, url
        self.database = "DATABASE_URL" if is_url(url) else "DATABASE_PATH"
        (tmp / "shim").mkdir()
        (tmp / "shim" / "sitecustomize.py").write_text(SHIM)
        self.cache = tmp / "cache"
        load_engine(SOURCES, self.cache, semantic=False)  # built once, read by every process
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, **settings: str) -> subprocess.Popen[bytes]:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SHARD_", "DATABASE"))},
            "PYTHONPATH": f"{self.tmp / 'shim'}{os.pathsep}{ROOT}",
            "QUOTEBOT_FAKE_DISCORD_API": self.fake.api_base,
            "QUOTEBOT_FAKE_DISCORD_GATEWAY": self.fake.gateway_url,
            "QUOTEBOT_SEMANTIC": "off",
            "DISCORD_TOKEN": TOKEN,
            self.database: self.url,
            "LOG_LEVEL": "INFO",
            **settings,
        }
        command = [sys.executable, "-m", "bot", "--sources", str(SOURCES)]
        with open(self.tmp / f"{name}.log", "wb") as log:
            self.processes[name] = subprocess.Popen(
                [*command, "--cache", str(self.cache), "run"],
                cwd=self.tmp,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.processes[name]

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop(self, name: str) -> int:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGTERM)
        return process.wait(30)

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        process.kill()
        process.wait(30)

    def close(self) -> None:
        for process in self.processes.values():
            process.kill()
            process.wait(30)


@contextlib.contextmanager
def fleet(tmp: Path, url: str, fake: FakeDiscord) -> Iterator[Fleet]:
    """Processes against `fake` (started here, stopped after them)."""
    fake.start()
    processes = Fleet(tmp, fake, url)
    try:
        yield processes
    finally:
        processes.close()
        fake.stop()


async def ready(fleet: Fleet, shard: int, sessions: int = 1, timeout: float = 60) -> None:
    """Until `sessions` processes are READY on `shard` (and have had a moment to start
    listening: READY is handled right after it arrives)."""
    await fleet.fake.wait_until(
        lambda: len(fleet.fake.sessions.get(shard, [])) >= sessions,
        timeout,
        f"{sessions} session(s) of shard {shard}",
    )
    await asyncio.sleep(0.5)
