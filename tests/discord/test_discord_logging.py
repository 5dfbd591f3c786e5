"""No secret reaches the log, even at DEBUG, where discord.py logs every request URL and
gateway event: interaction tokens (in callback and webhook URLs, and in INTERACTION_CREATE
payloads) and the bot token are redacted from every record."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.core.engine import Engine
from bot.discord import redact
from tests.discord.fake_discord import TOKEN
from tests.discord.harness import MANAGE_MESSAGES, QUESTION, ask, running_bot


class Capture(logging.Handler):
    """Every record as a handler would write it, traceback included."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_tokens_never_reach_the_log_at_debug(engine: Engine, tmp_path: Path) -> None:
    capture = Capture()
    root = logging.getLogger()
    level = root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    undo = redact.install([TOKEN])
    try:

        async def go() -> list[str]:
            async with running_bot(engine, tmp_path) as (bot, fake):
                message_id = int((await ask(bot, fake, QUESTION))["id"])
                await fake.answered(await fake.click("quotebot:vote:up", message_id))
                await fake.answered(
                    await fake.menu("Pin answer", message_id, permissions=MANAGE_MESSAGES)
                )
                tokens = [r.token for r in fake.dispatched.values()]
                # A secret in an exception's message is redacted from the traceback too.
                try:
                    raise RuntimeError(f"login with {TOKEN} at /webhooks/1/{tokens[0]}")
                except RuntimeError:
                    logging.getLogger("bot.discord").exception("failed")
                return tokens

        tokens = asyncio.run(go())
    finally:
        undo()
        root.removeHandler(capture)
        root.setLevel(level)
    text = "\n".join(capture.lines)
    assert len(tokens) == 3
    for secret in (*tokens, TOKEN):
        assert secret not in text
    # The URLs and events carrying them were logged, with the tokens redacted.
    assert any(
        line.startswith("discord.webhook") and "/interactions/" in line and redact.REDACTED in line
        for line in capture.lines
    )
    assert any(
        line.startswith("discord.gateway") and redact.REDACTED in line for line in capture.lines
    )
    assert "RuntimeError: login with [redacted] at /webhooks/1/[redacted]" in text


def test_redaction_keeps_the_rest_of_the_message() -> None:
    clean = redact.Redactor(["a-bot-token-123"])
    assert (
        clean("POST http://x/api/v10/interactions/123/aW50ZXJh-c3Rpb24_/callback with {}")
        == "POST http://x/api/v10/interactions/123/[redacted]/callback with {}"
    )
    assert clean("{'id': '5', 'token': 'abc.def', 'type': 2}") == (
        "{'id': '5', 'token': '[redacted]', 'type': 2}"
    )
    assert clean('{"token":"abc"}') == '{"token":"[redacted]"}'
    assert clean("Bot a-bot-token-123 rejected") == "Bot [redacted] rejected"
    assert redact.Redactor(["short"])("a short word") == "a short word"
