"""One extension per feature; each cog is a thin handler over `bot.discord.actions`."""
