"""Each server's own settings, stored as JSON: read into memory for the servers a process
owns (every question, cooldown and listener consults them on the event loop)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError

from bot.discord.database import Database, Tx
from bot.discord.settings import ServerSettings
from bot.discord.timestamps import now

log = logging.getLogger(__name__)
NO_SETTINGS = ServerSettings()


def load_settings(
    tx: Tx, scopes: Callable[[str], tuple[str, tuple[int, ...]]]
) -> dict[int, ServerSettings]:
    """The settings of the servers `scopes` selects; a row that no longer validates is
    logged and ignored (the defaults apply there), so one damaged row costs only its
    server's choices."""
    where, params = scopes("guild_id")
    settings = {}
    for guild_id, raw in tx.execute(
        f"SELECT guild_id, settings_json FROM server_settings WHERE {where}", params
    ).fetchall():
        try:
            settings[guild_id] = ServerSettings.model_validate_json(raw)
        except ValidationError as exc:
            log.warning(
                "server %s: stored settings no longer validate, using defaults: %s", guild_id, exc
            )
    return settings


class SettingsRecords:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, tx: Tx, guild_id: int, settings: ServerSettings, user_id: int) -> None:
        """Save a server's settings; settings that choose nothing delete its row."""
        if settings == NO_SETTINGS:
            tx.execute("DELETE FROM server_settings WHERE guild_id = ?", (guild_id,))
            return
        tx.execute(
            "INSERT INTO server_settings (guild_id, settings_json, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            "settings_json = excluded.settings_json, updated_by = excluded.updated_by, "
            "updated_at = excluded.updated_at",
            (guild_id, settings.model_dump_json(exclude_none=True), user_id, now()),
        )
