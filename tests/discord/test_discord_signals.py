"""`python -m bot run` stopped by SIGTERM (docker stop, systemctl stop) or SIGINT (Ctrl-C)
while an answer is in flight: the answer is sent and recorded, the process exits 0, and
nothing it logged at DEBUG holds a token. The bot runs as a real process (the CLI's `main`)
against the fake Discord; only discord.py's two addresses are pointed at the fake, and the
answer is slowed down so that the signal lands in the middle of it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bot.discord.store import Store
from tests.discord.fake_discord import GUILD_ID, TOKEN, FakeDiscord
from tests.paths import ROOT, SOURCES

QUESTION = "How many detainer requests did Boston police ignore in 2025?"
BOT_PROCESS = textwrap.dedent(
    """
    import sys, time
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = sys.argv[1], yarl.URL(sys.argv[2])

    from bot.cli import main
    from bot.discord.service import AnswerService

    answer = AnswerService.reply

    def slow(self, question, scope):
        print("answering", flush=True)
        time.sleep(1.0)  # a slow retrieval: the signal arrives meanwhile
        return answer(self, question, scope)

    AnswerService.reply = slow
    sys.exit(main(["--sources", sys.argv[3], "--cache", sys.argv[4], "run"]))
    """
)


def collect(stream: object, lines: list[str]) -> threading.Thread:
    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_answer_lets_it_finish(tmp_path: Path, stop: signal.Signals) -> None:
    fake = FakeDiscord()
    fake.start()
    database = tmp_path / "bot.sqlite3"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": TOKEN,
        "DATABASE_PATH": str(database),
        "LOG_LEVEL": "DEBUG",
    }
    command = [sys.executable, "-c", BOT_PROCESS, fake.api_base, fake.gateway_url]
    bot = subprocess.Popen(
        [*command, str(SOURCES), str(tmp_path / "cache")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [collect(bot.stdout, out), collect(bot.stderr, err)]
    try:

        async def go() -> int:
            await fake.wait_until(
                lambda: any("connected to Gateway" in line for line in err), 60, "READY"
            )
            record = await fake.slash("ask", question=QUESTION)
            await fake.wait_until(lambda: "answering\n" in out, 10, "the answer to start")
            bot.send_signal(stop)
            reply = await fake.answered(record, timeout=20)
            return int(reply["id"])

        message_id = asyncio.run(go())
        assert bot.wait(30) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
        for reader in readers:
            reader.join(10)
        fake.stop()
    log = "".join(err)
    assert "Traceback" not in log, log[-3000:]
    assert f"{stop.name}: finishing the answers in flight" in log
    store = Store(database)
    sent = store.sent_answer(message_id, GUILD_ID)
    assert sent is not None and sent.answer.question == QUESTION
    store.close()
    # At DEBUG discord.py logged the interaction's URLs and event: all redacted.
    tokens = [r.token for r in fake.dispatched.values()]
    assert tokens and "[redacted]" in log
    for secret in (*tokens, TOKEN):
        assert secret not in log
