"""The answers area's cog: the /answers group (moderators only, checked on every use) and
the ◀ ▶ buttons of the curated-answer list."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.question import MAX_QUESTION_CHARS
from bot.discord import controls, reports
from bot.discord.choices import best_choices
from bot.discord.interactions import (
    FOR_MODERATORS,
    CogButton,
    acknowledged,
    is_moderator,
    require_moderator,
    respond,
    scope_of,
    tell,
)
from bot.discord.ranges import InRange
from bot.exts.answers import reviewing
from bot.exts.answers.curation import MAX_ALIAS_CHARS, chosen_pin

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)
EXPORTS = [
    app_commands.Choice(name="CSV file", value="csv"),
    app_commands.Choice(name="JSON file", value="json"),
]


class PageButton(CogButton, template=controls.PAGE):
    """◀ ▶ under the list of curated answers: the page it shows is in its id."""

    cog, handler = "Answers", "page"

    def __init__(self, page: str, side: str) -> None:
        super().__init__(controls.page_button(int(page), side, False), page=page, side=side)


class Answers(commands.Cog):
    answers = app_commands.Group(
        name="answers",
        description="Moderators: review and curate the bot's answers.",
        default_permissions=discord.Permissions(manage_messages=True),
        guild_only=True,
    )

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PageButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PageButton)

    # --- the curated answers -----------------------------------------------------------------

    @answers.command(name="pinned", description="The server's curated answers, page by page.")
    @app_commands.check(require_moderator)
    async def pinned(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        page = await reviewing.page_of(self.bot, scope_of(interaction), 0)
        await respond(interaction, page, ephemeral=True)

    async def page(self, interaction: discord.Interaction, page: str, side: str) -> None:
        """◀ or ▶: the list edited in place to show `page`."""
        if not is_moderator(interaction):
            await tell(interaction, FOR_MODERATORS)
            return
        await interaction.response.defer()  # an update of the list: `@original` is the list
        message = await reviewing.page_of(self.bot, scope_of(interaction), int(page))
        await interaction.edit_original_response(**message.edit_kwargs())

    @answers.command(name="edit", description="Change a curated answer's question or aliases.")
    @app_commands.describe(
        pin="The curated answer (start typing its question)",
        question="The question's new wording, as shown on the answer",
        add_alias="Another wording that should get this answer",
        remove_alias="An alias that should no longer get it",
    )
    @app_commands.check(require_moderator)
    async def edit(
        self,
        interaction: discord.Interaction,
        pin: str,
        question: InRange[str, 1, MAX_QUESTION_CHARS] | None = None,
        add_alias: InRange[str, 1, MAX_ALIAS_CHARS] | None = None,
        remove_alias: str | None = None,
    ) -> None:
        await acknowledged(
            interaction,
            "The change",
            lambda: reviewing.edit(interaction, pin, question, add_alias, remove_alias),
        )

    @answers.command(name="remove", description="Remove a curated answer.")
    @app_commands.describe(pin="The curated answer (start typing its question)")
    @app_commands.check(require_moderator)
    async def remove(self, interaction: discord.Interaction, pin: str) -> None:
        await acknowledged(interaction, "The removal", lambda: reviewing.remove(interaction, pin))

    @edit.autocomplete("pin")
    @remove.autocomplete("pin")
    async def pin_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The server's curated questions (from memory: autocomplete cannot wait)."""
        if not is_moderator(interaction):
            return []
        questions = self.bot.store.pin_questions(scope_of(interaction))
        return best_choices([(q, str(m)) for m, q in questions.items()], current)

    @edit.autocomplete("remove_alias")
    async def alias_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The aliases of the curated answer chosen in `pin`."""
        if not is_moderator(interaction):
            return []
        scope, store = scope_of(interaction), self.bot.store
        message_id = chosen_pin(store.pin_questions(scope), str(interaction.namespace.pin or ""))
        aliases = store.pin_aliases(scope, message_id) if message_id is not None else ()
        return best_choices([(a, a) for a in aliases], current)

    # --- what members rated, and what was declined ---------------------------------------------

    @answers.command(name="feedback", description="The answers members rated worst and best.")
    @app_commands.check(require_moderator)
    async def feedback(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        rated = await self.bot.stored(self.bot.store.feedback, scope_of(interaction))
        await respond(interaction, reports.feedback_message(rated), ephemeral=True)

    @answers.command(
        name="unanswered", description="Recent questions the sources could not answer."
    )
    @app_commands.describe(
        days="How many days back to look (default 30)",
        export="Send all of them as a file instead of the top 20",
    )
    @app_commands.choices(export=EXPORTS)
    @app_commands.check(require_moderator)
    async def unanswered(
        self,
        interaction: discord.Interaction,
        days: InRange[int, 1, 365] = 30,
        export: app_commands.Choice[str] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        scope = scope_of(interaction)
        limit = None if export else 20
        rows = await self.bot.stored(self.bot.service.unanswered, scope, days, limit)
        if export is None:
            message = reports.unanswered_message(rows, days)
        else:
            message = reports.unanswered_export(rows, days, scope, export.value)
        await respond(interaction, message, ephemeral=True)
