"""The invite asks for what the features need, and the README says the same."""

from __future__ import annotations

from bot.discord.permissions import FEATURES, invite_permissions
from tests.discord.fake_discord import FakeDiscord
from tests.paths import ROOT

# How Discord's invite page names each permission the bot asks for.
SHOWN = {
    "read_messages": "View Channels",  # discord.py's name for View Channel
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "read_message_history": "Read Message History",
    "create_public_threads": "Create Public Threads",
    "send_messages_in_threads": "Send Messages in Threads",
    "manage_messages": "Manage Messages",
    "manage_threads": "Manage Threads",
    "attach_files": "Attach Files",
}


def test_the_readme_asks_for_every_feature_s_permissions() -> None:
    section = (ROOT / "README.md").read_text().split("## The Discord bot")[1]
    table = section.split("### Run it")[0]
    assert f"permissions integer `{invite_permissions().value}`" in table
    for needed in FEATURES.values():
        for name, granted in needed:
            if granted:
                assert SHOWN[name] in table, name
    assert {n for p in FEATURES.values() for n, g in p if g} == set(SHOWN)


def test_the_fake_gives_the_bot_what_its_invite_asks_for() -> None:
    assert FakeDiscord().bot_permissions == invite_permissions().value
