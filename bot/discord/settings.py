"""The bot's settings: its defaults, read from the environment and `.env` (see `.env.example`),
and each server's own choices, set by its admins with /settings and kept in the database;
`effective` says which one is in force."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.discord.database import is_url
from bot.discord.sharding import Shards

MAX_COOLDOWN_RATE = 20
MAX_COOLDOWN_SECONDS = 3600
MAX_RETENTION_DAYS = 3650
# A bot token is three base64url parts joined by dots, about 70 characters; a token that is
# longer or holds anything else is a paste gone wrong (a newline, a whole file), which Discord
# would answer with an error other than 401 or which could not even be sent as a header.
MAX_TOKEN_CHARS = 200
MAX_SHARDS = 4096  # Discord's shards: one per 2,500 servers
TOKEN_CHARS = re.compile(r"[A-Za-z0-9_.\-]+")


class SettingsError(Exception):
    """The settings are missing or wrong; the message is one line a user can act on."""


class BotSettings(BaseSettings):
    """Everything `python -m bot run` and `sync` need; only the token is required. The token
    is a `SecretStr`: it shows as `**********` in reprs, errors and logs, and its value is
    taken (`get_secret_value()`) only where it is handed to discord.py."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr = Field(min_length=1)
    dev_guild_id: int | None = None
    answer_channel_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    forum_channel_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    mention_mode: bool = True
    message_content_intent: bool = False
    database_path: Path = Path("quotebot.sqlite3")
    # PostgreSQL shared by several bot processes (README, "Running at scale"); when set, it
    # is used instead of DATABASE_PATH. A secret: it may hold a password.
    database_url: SecretStr | None = None
    # Sharding: SHARD_COUNT shards in all, this process running SHARD_IDS of them ("0-3",
    # "0,2"; default: all). Unset: one process, not sharded, as before.
    shard_count: int | None = Field(default=None, ge=1, le=MAX_SHARDS)
    shard_ids: Annotated[list[int] | None, NoDecode] = None
    log_level: str = "INFO"
    # Bounded like a server's own choices (`ServerSettings`): a default no server could pick
    # is a typo, and past these bounds a date or a cooldown overflows.
    ask_cooldown_rate: int = Field(default=3, ge=1, le=MAX_COOLDOWN_RATE)
    ask_cooldown_seconds: float = Field(default=30.0, gt=0, le=MAX_COOLDOWN_SECONDS)
    pin_match_threshold: float = Field(default=85.0, ge=0, le=100)
    declined_retention_days: float = Field(default=90.0, gt=0, le=MAX_RETENTION_DAYS)

    @field_validator("discord_token")
    @classmethod
    def _token_form(cls, value: SecretStr) -> SecretStr:
        """Surrounding whitespace (a pasted newline) is dropped; anything else that cannot be
        a bot token is refused here, before it is sent to Discord."""
        token = value.get_secret_value().strip()
        if not token:
            raise PydanticCustomError("string_too_short", "is empty")
        if len(token) > MAX_TOKEN_CHARS:
            raise ValueError(f"is {len(token)} characters; a bot token is about 70")
        if not TOKEN_CHARS.fullmatch(token):
            raise ValueError("holds spaces, line breaks or other characters no token has")
        return SecretStr(token)

    @field_validator("dev_guild_id", "shard_count", "database_url", "shard_ids", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_url(value.get_secret_value()):
            raise ValueError("must start with postgresql://")
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _id_ranges(cls, value: object) -> object:
        """`SHARD_IDS=0-3` or `0,2,5-7`: ranges as people write them."""
        if not isinstance(value, str):
            return value
        ids: list[int] = []
        for part in (p.strip() for p in value.split(",") if p.strip()):
            low, dash, high = part.partition("-")
            if not (low.isdigit() and (not dash or high.isdigit())):
                raise ValueError(f"{part!r} is not a shard id or a range such as 0-3")
            ids.extend(range(int(low), int(high if dash else low) + 1))
        return ids

    @model_validator(mode="after")
    def _shards_fit(self) -> BotSettings:
        if self.shard_ids is not None and self.shard_count is None:
            raise PydanticCustomError("shards", "SHARD_IDS needs SHARD_COUNT")
        if self.shard_ids is not None and self.shard_count is not None:
            if not self.shard_ids or max(self.shard_ids) >= self.shard_count:
                raise PydanticCustomError(
                    "shards", f"SHARD_IDS must be from 0 to {self.shard_count - 1}"
                )
            self.shard_ids = sorted(set(self.shard_ids))
        return self

    def shards(self) -> Shards:
        """The shards this process runs."""
        if self.shard_count is None:
            return Shards()
        return Shards(self.shard_count, tuple(self.shard_ids or range(self.shard_count)))

    def database(self) -> Path | str:
        """Where the store is: DATABASE_URL when set, else DATABASE_PATH."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @field_validator("answer_channel_ids", "forum_channel_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """`ANSWER_CHANNEL_IDS=1,2,3`: the form people type in a `.env` file."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level


class ServerSettings(BaseModel):
    """One server's own choices, set by its admins with /settings and stored as JSON; a field
    left None follows the bot's default (the environment), so changing a default reaches
    every server that did not choose otherwise."""

    model_config = ConfigDict(extra="forbid")

    answer_channel_ids: list[int] | None = None
    forum_channel_ids: list[int] | None = None
    cooldown_rate: int | None = Field(default=None, ge=1, le=MAX_COOLDOWN_RATE)
    cooldown_seconds: float | None = Field(default=None, gt=0, le=MAX_COOLDOWN_SECONDS)
    mention_mode: bool | None = None
    retention_days: float | None = Field(default=None, gt=0, le=MAX_RETENTION_DAYS)


class Effective(BaseModel):
    """The settings in force in one server: its own choice where it made one, else the
    default; `own` names the fields the server chose."""

    answer_channel_ids: list[int]
    forum_channel_ids: list[int]
    cooldown_rate: int
    cooldown_seconds: float
    mention_mode: bool
    retention_days: float
    own: frozenset[str]


def effective(server: ServerSettings, defaults: BotSettings) -> Effective:
    """`server`'s choices over `defaults`."""
    fallback = {
        "answer_channel_ids": defaults.answer_channel_ids,
        "forum_channel_ids": defaults.forum_channel_ids,
        "cooldown_rate": defaults.ask_cooldown_rate,
        "cooldown_seconds": defaults.ask_cooldown_seconds,
        "mention_mode": defaults.mention_mode,
        "retention_days": defaults.declined_retention_days,
    }
    chosen = server.model_dump(exclude_none=True)
    return Effective(**{**fallback, **chosen}, own=frozenset(chosen))


def load_settings(env_file: Path | None = Path(".env")) -> BotSettings:
    """The settings, or a `SettingsError` whose message names the setting and `.env.example`."""
    try:
        return BotSettings(_env_file=env_file)  # type: ignore[call-arg]
    except UnicodeDecodeError:
        assert env_file is not None  # only a file is decoded
        raise SettingsError(f"{env_file}: {not_utf8(env_file)}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        if first["type"] == "shards":
            message = first["msg"]
            raise SettingsError(f"{message}; see .env.example for the expected form.") from None
        if name == "DISCORD_TOKEN" and first["type"] not in {
            "missing",
            "too_short",
            "string_too_short",
        }:
            raise SettingsError(
                f"DISCORD_TOKEN is invalid ({first['msg']}): copy the token again from the "
                "Developer Portal (Bot → Reset Token) into .env."
            ) from None
        if name == "DISCORD_TOKEN":
            raise SettingsError(
                "DISCORD_TOKEN is not set: put it in the environment or in .env "
                "(copy .env.example to .env and fill it in)."
            ) from None
        raise SettingsError(
            f"{name} is invalid ({first['msg']}); see .env.example for the expected form."
        ) from None


def not_utf8(env_file: Path) -> str:
    """Where a `.env` stops being UTF-8, and what to do: its line and byte, read again from
    the file (the decoder's error counts from the chunk it was reading)."""
    data = env_file.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return f"line {line} is not valid UTF-8 (byte {exc.start}); save the file as UTF-8."
    return "is not valid UTF-8; save the file as UTF-8."
