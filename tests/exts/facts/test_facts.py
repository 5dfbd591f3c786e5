"""/fact end to end: the card, off the loop, and its autocomplete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.discord import render
from bot.discord.client import QuoteBot
from bot.discord.fact_card import DISAGREE
from bot.discord.preview import discord_payload
from tests.discord.fake_discord import (
    BOT_ID,
    FakeDiscord,
)
from tests.discord.harness import (
    OFF_TOPIC,
    QUESTION,
    description,
    ephemeral,
    run,
)


def test_fact_answers_with_the_card_off_the_loop(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        query = "detainer requests received 2024"
        record = await fake.slash("fact", query=query)
        reply = await fake.answered(record)
        assert record.callback_type == 5  # deferred at once, answered by a follow-up
        assert not ephemeral(reply)
        expected = render.fact_message(bot.service.fact(query)).payload()
        assert reply["embeds"][0]["fields"] == expected["embeds"][0]["fields"]
        assert reply["embeds"][0]["fields"][0]["name"].startswith(DISAGREE)

        missing = await fake.answered(await fake.slash("fact", user_id=7002, query=OFF_TOPIC))
        assert "No fact matches" in description(missing)

        def broken(query: str) -> Any:
            raise RuntimeError("facts exploded")

        bot.service.fact = broken  # type: ignore[method-assign]
        failed = await fake.answered(await fake.slash("fact", user_id=7003, query=query))
        assert ephemeral(failed) and "something went wrong" in failed["content"]

        # Mention mode leads with the same card /ask shows.
        await fake.post(f"<@{BOT_ID}> {QUESTION}")
        await fake.wait_until(lambda: len(fake.threads) == 1, what="a thread")
        path = f"/channels/{next(iter(fake.threads))}/messages"
        await fake.wait_until(lambda: any(c.path == path for c in fake.calls), what="answer")
        body = next(c.body for c in fake.calls if c.path == path)
        assert body["embeds"] == discord_payload(engine, QUESTION)["embeds"]
        lead = engine.ask(QUESTION).answer
        assert lead is not None
        assert description(body).startswith(f"**{lead.split(' — ')[0]}** — ")

    run(engine, tmp_path, scenario)


def test_fact_autocompletes_from_the_measures_the_fact_book_knows(
    engine: Engine, tmp_path: Path
) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        assert engine.facts is not None
        measures = {f.measure for f in engine.facts.facts}
        first = await fake.autocomplete("fact", "query", query="")
        offered = await fake.choices(first)
        assert first.callback_type == 8 and first.ack_latency is not None
        assert first.ack_latency < 3
        assert 0 < len(offered) <= 25
        assert all(c["name"] == c["value"] for c in offered)
        typed = await fake.choices(await fake.autocomplete("fact", "query", query="detainer req"))
        assert typed and all("detainer" in c["value"].lower() for c in typed[:3])
        assert any(c["value"] in measures for c in typed)
        # What a choice sends is a query that finds its facts.
        card = await fake.answered(await fake.slash("fact", query=typed[0]["value"]))
        assert "No fact matches" not in description(card)

    run(engine, tmp_path, scenario)
