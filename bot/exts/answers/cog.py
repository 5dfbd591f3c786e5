"""The answers area's cog: the /answers group (moderators only, checked on every use) and
the ◀ ▶ buttons of the curated-answer list."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord import controls, render, reports
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
from bot.discord.render import OutgoingMessage
from bot.exts.answers.curation import MAX_ALIAS_CHARS, chosen_pin, edit_problem
from bot.question import MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from bot.discord.client import QuoteBot

log = logging.getLogger(__name__)
NO_SUCH_PIN = "No curated answer of this server matches “{}”: pick one from the list."
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
        await respond(interaction, await self.page_of(scope_of(interaction), 0), ephemeral=True)

    async def page(self, interaction: discord.Interaction, page: str, side: str) -> None:
        """◀ or ▶: the list edited in place to show `page`."""
        if not is_moderator(interaction):
            await tell(interaction, FOR_MODERATORS)
            return
        await interaction.response.defer()  # an update of the list: `@original` is the list
        message = await self.page_of(scope_of(interaction), int(page))
        await interaction.edit_original_response(**message.edit_kwargs())

    async def page_of(self, scope: int, page: int) -> OutgoingMessage:
        store = self.bot.store
        total = await self.bot.stored(store.pin_count, scope)
        page = max(min(page, reports.page_count(total) - 1), 0)
        start = page * reports.PINS_PER_PAGE
        pins = await self.bot.stored(store.pins, scope, start, reports.PINS_PER_PAGE)
        return reports.pinned_page(pins, page, total)

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
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS] | None = None,
        add_alias: app_commands.Range[str, 1, MAX_ALIAS_CHARS] | None = None,
        remove_alias: str | None = None,
    ) -> None:
        async def work() -> None:
            scope, store = scope_of(interaction), self.bot.store
            message_id = chosen_pin(store.pin_questions(scope), pin)
            if message_id is None:
                await respond(interaction, render.echoing(NO_SUCH_PIN, pin), ephemeral=True)
                return
            problem = edit_problem(
                store.pin_aliases(scope, message_id), question, add_alias, remove_alias
            )
            if problem is not None:
                await tell(interaction, problem)
                return
            editor = interaction.user.display_name
            changed = await self.bot.stored(
                self.bot.service.edit_pin,
                message_id,
                scope,
                editor,
                question,
                add_alias,
                remove_alias,
            )
            if not changed:
                await respond(interaction, render.echoing(NO_SUCH_PIN, pin), ephemeral=True)
                return
            now = store.pin_questions(scope).get(message_id, question or pin)
            aliases = store.pin_aliases(scope, message_id)
            await respond(interaction, render.edited_notice(now, aliases), ephemeral=True)

        await acknowledged(interaction, "The change", work)

    @answers.command(name="remove", description="Remove a curated answer.")
    @app_commands.describe(pin="The curated answer (start typing its question)")
    @app_commands.check(require_moderator)
    async def remove(self, interaction: discord.Interaction, pin: str) -> None:
        async def work() -> None:
            scope, store = scope_of(interaction), self.bot.store
            message_id = chosen_pin(store.pin_questions(scope), pin)
            channel_id = None
            if message_id is not None:
                channel_id = await self.bot.stored(store.pin_channel, message_id, scope)
            if message_id is None or not await self.bot.stored(store.unpin, message_id, scope):
                await respond(interaction, render.echoing(NO_SUCH_PIN, pin), ephemeral=True)
                return
            await self.unpin_message(channel_id, message_id)
            await tell(interaction, "Removed: its questions get the engine's answer again.")

        await acknowledged(interaction, "The removal", work)

    async def unpin_message(self, channel_id: int | None, message_id: int) -> None:
        """Unpin the answer's message in its channel too, when Discord lets the bot (the
        message or channel may be gone: the curated answer is removed all the same)."""
        channel = self.bot.get_channel(channel_id) if channel_id else None
        if isinstance(channel, discord.TextChannel | discord.Thread):
            with contextlib.suppress(discord.HTTPException):
                await channel.get_partial_message(message_id).unpin(reason="quotebot: removed")

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
        days: app_commands.Range[int, 1, 365] = 30,
        export: app_commands.Choice[str] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        scope = scope_of(interaction)
        limit = None if export else 20
        rows = await self.bot.stored(self.bot.store.unanswered, scope, days, limit)
        if export is None:
            message = reports.unanswered_message(rows, days)
        else:
            message = reports.unanswered_export(rows, days, scope, export.value)
        await respond(interaction, message, ephemeral=True)
