"""/answers end to end: moderators review the curated answers (paged, edited, removed), the
answers members rated, and the declined questions (listed or exported); every one of them
checked for Manage Messages on every use, and nothing of one server seen from another."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.discord.client import QuoteBot
from bot.discord.render import PINNED_LABEL
from bot.models import Answer
from tests.discord.fake_discord import (
    GUILD_ID,
    OTHER_GUILD_CHANNEL_ID,
    Dispatched,
    FakeDiscord,
)
from tests.discord.harness import (
    MANAGE_MESSAGES,
    OFF_TOPIC,
    QUESTION,
    REWORDED,
    ask,
    custom_ids,
    description,
    ephemeral,
    refused,
    run,
)

MOD = {"permissions": MANAGE_MESSAGES}
ALIAS = "What number of ICE holds went unhonored by BPD last year?"


def test_unanswered_lists_the_most_frequent_first(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        for user, question in enumerate([OFF_TOPIC, "Who painted the Mona Lisa?", OFF_TOPIC]):
            await ask(bot, fake, question, user_id=100 + user)
        await refused(await fake.slash("answers unanswered"), fake, "moderators")
        record = await fake.slash("answers unanswered", **MOD)
        listing = await fake.answered(record)
        assert record.callback_type == 5 and ephemeral(listing)  # deferred: it reads the store
        lines = description(listing).splitlines()
        assert lines[0].startswith("**2×**") and "mercury" in lines[0]
        assert lines[1].startswith("**1×**") and "Mona Lisa" in lines[1]

    run(engine, tmp_path, scenario)


def test_unanswered_exports_a_csv_or_json_file(engine: Engine, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example") zorblax?'

    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        for user, question in enumerate([OFF_TOPIC, formula, OFF_TOPIC]):
            await ask(bot, fake, question, user_id=100 + user)
        denied = await fake.slash("answers unanswered", export="csv")
        await refused(denied, fake, "moderators")
        assert fake.attachments(denied.messages[0]) == []

        sent = await fake.answered(await fake.slash("answers unanswered", export="csv", **MOD))
        assert ephemeral(sent) and "2 declined questions" in sent["content"]
        ((name, data),) = fake.attachments(sent)
        assert name.startswith(f"unanswered-{GUILD_ID}-") and name.endswith(".csv")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert rows[0] == ["question", "times_asked", "last_asked"]
        assert rows[1][:2] == [OFF_TOPIC, "2"]
        assert rows[2][:2] == ["'" + formula, "1"]  # a spreadsheet shows it, never runs it

        sent = await fake.answered(
            await fake.slash("answers unanswered", export="json", days=7, **MOD)
        )
        ((name, data),) = fake.attachments(sent)
        body = json.loads(data)
        assert name.endswith(".json") and body["guild_id"] == str(GUILD_ID)
        assert body["days"] == 7
        assert [(q["question"], q["count"]) for q in body["questions"]] == [
            (OFF_TOPIC, 2),
            (formula, 1),
        ]

    run(engine, tmp_path, scenario)


def curate(bot: QuoteBot, count: int) -> list[int]:
    """`count` curated answers in the first server (made through the store: the listing,
    not pinning, is under test here)."""
    ids = []
    for i in range(count):
        answer = Answer(question=f"Curated question {i}?", status="answered")
        bot.store.record_answer(5000 + i, 1, GUILD_ID, answer)
        sent = bot.store.sent_answer(5000 + i, GUILD_ID)
        assert sent is not None
        bot.service.pin(sent, 33, f"Mod {i}")
        ids.append(5000 + i)
    return ids


def footer(message: dict[str, Any]) -> str:
    return message["embeds"][0]["footer"]["text"]


def test_moderators_page_through_the_curated_answers(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        empty = await fake.answered(await fake.slash("answers pinned", **MOD))
        assert "No answer is curated" in description(empty)
        curate(bot, 10)
        await refused(await fake.slash("answers pinned"), fake, "moderators")
        first = await fake.answered(await fake.slash("answers pinned", **MOD))
        assert ephemeral(first)
        fields = first["embeds"][0]["fields"]
        assert [f["name"] for f in fields] == [f"{n + 1}. Curated question {n}?" for n in range(8)]
        assert "Pinned by Mod 0 on " in fields[0]["value"]
        assert footer(first).startswith("Page 1 of 2 · 10 curated answers")
        assert custom_ids(first) == ["quotebot:pinned:0:prev", "quotebot:pinned:1:next"]
        prev, after = first["components"][0]["components"]
        assert prev["disabled"] and not after["disabled"]

        mid = int(first["id"])
        await refused(await fake.click("quotebot:pinned:1:next", mid), fake, "moderators")
        turned = await fake.click("quotebot:pinned:1:next", mid, **MOD)
        page = await fake.answered(turned)
        assert turned.callback_type == 6 and int(page["id"]) == mid  # edited in place
        assert [f["name"] for f in page["embeds"][0]["fields"]] == [
            "9. Curated question 8?",
            "10. Curated question 9?",
        ]
        assert footer(page).startswith("Page 2 of 2")
        assert custom_ids(page) == ["quotebot:pinned:0:prev", "quotebot:pinned:2:next"]
        assert page["components"][0]["components"][1]["disabled"]

    run(engine, tmp_path, scenario)


async def choices(fake: FakeDiscord, record: Dispatched) -> list[dict[str, Any]]:
    found = await fake.choices(record)
    assert record.callback_type == 8
    assert record.ack_latency is not None and record.ack_latency < 3
    return found


def test_moderators_edit_a_curated_answer_chosen_by_autocomplete(
    engine: Engine, tmp_path: Path
) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        pinned = int((await ask(bot, fake, QUESTION))["id"])
        await fake.answered(await fake.menu("Pin answer", pinned, **MOD))
        typed = await fake.autocomplete("answers edit", "pin", pin="detainer req", **MOD)
        assert await choices(fake, typed) == [{"name": QUESTION, "value": str(pinned)}]
        hidden = await fake.autocomplete("answers edit", "pin", pin="detainer")
        assert await choices(fake, hidden) == []  # not a moderator: nothing offered

        denied = await fake.slash("answers edit", pin=str(pinned), add_alias=ALIAS)
        await refused(denied, fake, "moderators")
        assert bot.store.pin_aliases(GUILD_ID, pinned) == ()
        record = await fake.slash("answers edit", pin=str(pinned), add_alias=ALIAS, **MOD)
        changed = await fake.answered(record)
        assert ephemeral(changed) and "Changed" in changed["content"]
        assert ALIAS in changed["content"]
        got = await ask(bot, fake, ALIAS, user_id=7002)
        assert got["embeds"][0]["author"]["name"] == PINNED_LABEL

        aliases = await fake.autocomplete(
            "answers edit", "remove_alias", pin=str(pinned), remove_alias="", **MOD
        )
        assert await choices(fake, aliases) == [{"name": ALIAS, "value": ALIAS}]
        wording = "Detainer requests Boston police ignored in 2025"
        record = await fake.slash(
            "answers edit", pin=QUESTION, question=wording, remove_alias=ALIAS, **MOD
        )  # a question typed in full names its answer too
        await fake.answered(record)
        assert bot.store.pin_questions(GUILD_ID) == {pinned: wording}
        assert bot.store.pin_aliases(GUILD_ID, pinned) == ()
        again = await ask(bot, fake, REWORDED, user_id=7003)
        assert wording in again["embeds"][0]["footer"]["text"]
        listing = await fake.answered(await fake.slash("answers pinned", **MOD))
        assert "edited by user7001" in listing["embeds"][0]["fields"][0]["value"]

        nothing = await fake.slash("answers edit", pin=str(pinned), **MOD)
        await refused(nothing, fake, "Nothing to change")
        unknown = await fake.slash("answers edit", pin="[x](http://evil.example)", **MOD)
        await refused(unknown, fake, "No curated answer")
        assert "[x](" not in unknown.messages[0]["content"]  # echoed, escaped

    run(engine, tmp_path, scenario)


def test_moderators_remove_a_curated_answer(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        pinned = int((await ask(bot, fake, QUESTION))["id"])
        await fake.answered(await fake.menu("Pin answer", pinned, **MOD))
        assert fake.pinned == {pinned}
        await refused(await fake.slash("answers remove", pin=str(pinned)), fake, "moderators")
        assert bot.store.pin_count(GUILD_ID) == 1
        removed = await fake.answered(await fake.slash("answers remove", pin=str(pinned), **MOD))
        assert "Removed" in removed["content"]
        assert bot.store.pin_count(GUILD_ID) == 0 and fake.pinned == set()
        assert "author" not in (await ask(bot, fake, REWORDED, user_id=7002))["embeds"][0]

    run(engine, tmp_path, scenario)


def test_one_server_cannot_curate_another_servers_answers(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        pinned = int((await ask(bot, fake, QUESTION))["id"])
        await fake.answered(await fake.menu("Pin answer", pinned, **MOD))
        elsewhere = {"channel_id": OTHER_GUILD_CHANNEL_ID, **MOD}
        offered = await fake.autocomplete("answers edit", "pin", pin="detainer", **elsewhere)
        assert await choices(fake, offered) == []
        edit = await fake.slash("answers edit", pin=str(pinned), question="Hijacked", **elsewhere)
        await refused(edit, fake, "No curated answer")
        remove = await fake.slash("answers remove", pin=str(pinned), **elsewhere)
        await refused(remove, fake, "No curated answer")
        listing = await fake.answered(await fake.slash("answers pinned", **elsewhere))
        assert "No answer is curated" in description(listing)
        assert bot.store.pin_questions(GUILD_ID) == {pinned: QUESTION}
        assert fake.pinned == {pinned}

    run(engine, tmp_path, scenario)


def test_feedback_shows_the_worst_and_best_rated_answers(engine: Engine, tmp_path: Path) -> None:
    async def scenario(bot: QuoteBot, fake: FakeDiscord) -> None:
        good = int((await ask(bot, fake, QUESTION, user_id=1))["id"])
        bad = int((await ask(bot, fake, OFF_TOPIC, user_id=2))["id"])
        elsewhere = await ask(bot, fake, "Who runs ICE?", 3, OTHER_GUILD_CHANNEL_ID)
        for user in (11, 12):
            await fake.answered(await fake.click("quotebot:vote:up", good, user_id=user))
            await fake.answered(await fake.click("quotebot:vote:down", bad, user_id=user))
        await fake.answered(await fake.click("quotebot:vote:down", int(elsewhere["id"])))
        await refused(await fake.slash("answers feedback"), fake, "moderators")
        report = await fake.answered(await fake.slash("answers feedback", **MOD))
        assert ephemeral(report)
        worst, best = report["embeds"][0]["fields"]
        assert worst["name"] == "Most 👎" and worst["value"].startswith("**2👎 0👍**")
        assert "mercury" in worst["value"] and "ICE" not in worst["value"]
        assert best["name"] == "Most 👍" and "detainer" in best["value"]

    run(engine, tmp_path, scenario)
