"""A loopback stand-in for Discord's HTTP API and gateway, for end-to-end tests of the real
discord.py client without a network.

It runs on its own thread and event loop, bound to 127.0.0.1 only, so its clocks are not held
up by the bot's loop: interaction deadlines and heartbeat gaps are measured as Discord would.
It performs the HELLO / IDENTIFY / READY handshake, acknowledges heartbeats, dispatches
INTERACTION_CREATE (commands, menus, buttons, autocomplete), MESSAGE_CREATE and THREAD_CREATE,
records every HTTP call, and rejects what Discord rejects: over-long content, embeds and
fields, bad components (link buttons included: a URL over 512 characters, with whitespace,
or not http(s)), empty messages, a second response to an interaction, a response after the
3-second interaction deadline, autocomplete answers with more than 25 choices or choice
names and values outside 1 to 100 characters (or answering anything but autocomplete with
choices), attachments without their file or over the upload limit, messages in a forum
channel itself or in a forum post before its first message exists, tags a forum does not
have, more than 5 tags on a post, a privileged intent it was not granted, command
definitions Discord would refuse, and what the bot's own permissions do not allow.

It serves two servers (`GUILD_ID` with two text channels and a forum, `OTHER_GUILD_ID` with
one of each) and direct messages (`DM_CHANNEL_ID`), so tests can check that nothing crosses
from one to another. The bot is a member of both, with the permissions its invite asks for
(`bot_permissions`), which Discord also reports as each interaction's `app_permissions`.

Without the Message Content intent, message text reaches the bot only where Discord sends
it: the bot's own messages, direct messages, messages that mention it, and the target of a
message menu; elsewhere `content`, `embeds`, `attachments` and `components` are empty, over
the gateway and on fetch alike.

Deferred responses behave as on Discord: a deferred "thinking…" response is a message of its
own (the interaction's original response, `@original`), and the first follow-up after it
*becomes* that message (same id, the defer's ephemerality whatever the follow-up asks), so
deleting `@original` afterwards deletes the answer the follow-up showed.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from bot.discord.permissions import invite_permissions

T = TypeVar("T")

# Discord's documented limits, stated here independently of the bot's own constants.
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_AUTHOR = 256
MAX_EMBED_TOTAL = 6000
MAX_ROWS = 5
MAX_ROW_ITEMS = 5
MAX_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_THREAD_NAME = 100
MAX_BUTTON_URL = 512
INTERACTION_DEADLINE = 3.0
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
MAX_CHOICE_VALUE = 100
MAX_ATTACHMENTS = 10
ATTACHMENT_LIMIT = 10 * 1024 * 1024
MAX_APPLIED_TAGS = 5
MAX_COMMAND_NAME = 32
MAX_COMMAND_DESCRIPTION = 100
MAX_OPTIONS = 25
MAX_MESSAGE_MENUS = 5
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
EPHEMERAL = 1 << 6
LOADING = 1 << 7
MESSAGE_CONTENT_INTENT = 1 << 15
# Permission bits the fake checks.
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 53) - 1
# Channel types.
TEXT, DM, PUBLIC_THREAD, FORUM = 0, 1, 11, 15

APP_ID = 100000000000000001
BOT_ID = APP_ID
GUILD_ID = 100000000000000002
CHANNEL_ID = 100000000000000003
OTHER_CHANNEL_ID = 100000000000000004
OTHER_GUILD_ID = 100000000000000005
OTHER_GUILD_CHANNEL_ID = 100000000000000006
DM_CHANNEL_ID = 100000000000000007
FORUM_ID = 100000000000000008
OTHER_FORUM_ID = 100000000000000009
SOLVED_TAG_ID = 100000000000000010
QUESTION_TAG_ID = 100000000000000011
OTHER_TAG_ID = 100000000000000012
BOT_ROLE_ID = 100000000000000013
TOKEN = "test-token"
# Served only when the fake runs shards: a server on the other shard of two from the first
# two (Discord's formula, `(guild_id >> 22) % shard_count`).
THIRD_GUILD_ID = GUILD_ID + (1 << 22)
THIRD_CHANNEL_ID = 100000000000000014
THIRD_FORUM_ID = 100000000000000015
# Each server's text channels, by id and name.
GUILDS: dict[int, list[tuple[int, str]]] = {
    GUILD_ID: [(CHANNEL_ID, "questions"), (OTHER_CHANNEL_ID, "general")],
    OTHER_GUILD_ID: [(OTHER_GUILD_CHANNEL_ID, "ask-here")],
    THIRD_GUILD_ID: [(THIRD_CHANNEL_ID, "third")],
}
# Each server's forum, by id, name and tags (id, name, emoji); the second has no "Solved".
FORUMS: dict[int, tuple[int, str, list[tuple[int, str, str | None]]]] = {
    GUILD_ID: (FORUM_ID, "help", [(SOLVED_TAG_ID, "Solved", "✅"), (QUESTION_TAG_ID, "Q", None)]),
    OTHER_GUILD_ID: (OTHER_FORUM_ID, "support", [(OTHER_TAG_ID, "Bug", None)]),
    THIRD_GUILD_ID: (THIRD_FORUM_ID, "third-help", []),
}


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """Discord's formula; direct messages arrive on shard 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class Channel:
    """A channel option's value in `slash`: Discord sends its id and resolves it."""

    id: int


def embed_problems(embed: dict[str, Any]) -> list[str]:
    """Why Discord would reject this embed (empty list: it would accept it)."""
    problems = []
    title = embed.get("title") or ""
    description = embed.get("description") or ""
    footer = (embed.get("footer") or {}).get("text") or ""
    author = (embed.get("author") or {}).get("name") or ""
    fields = embed.get("fields") or []
    for name, text, limit in (
        ("title", title, MAX_TITLE),
        ("description", description, MAX_DESCRIPTION),
        ("footer.text", footer, MAX_FOOTER),
        ("author.name", author, MAX_AUTHOR),
    ):
        if len(text) > limit:
            problems.append(f"embed {name} is {len(text)} characters (limit {limit})")
    if len(fields) > MAX_FIELDS:
        problems.append(f"embed has {len(fields)} fields (limit {MAX_FIELDS})")
    total = len(title) + len(description) + len(footer) + len(author)
    for i, f in enumerate(fields):
        name, value = f.get("name") or "", f.get("value") or ""
        if not name or not value:
            problems.append(f"embed field {i} has an empty name or value")
        if len(name) > MAX_FIELD_NAME:
            problems.append(f"embed field {i} name is {len(name)} characters")
        if len(value) > MAX_FIELD_VALUE:
            problems.append(f"embed field {i} value is {len(value)} characters")
        total += len(name) + len(value)
    if total > MAX_EMBED_TOTAL:
        problems.append(f"embed totals {total} characters (limit {MAX_EMBED_TOTAL})")
    return problems


def component_problems(rows: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(rows) > MAX_ROWS:
        problems.append(f"{len(rows)} component rows (limit {MAX_ROWS})")
    ids: set[str] = set()
    for r, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(items) <= MAX_ROW_ITEMS:
            problems.append(f"row {r} is not an action row of 1 to {MAX_ROW_ITEMS} items")
        for item in items:
            label = item.get("label") or ""
            if len(label) > MAX_LABEL:
                problems.append(f"button label is {len(label)} characters (limit {MAX_LABEL})")
            if not label and not item.get("emoji"):
                problems.append("button has neither label nor emoji")
            if item.get("style") == 5:
                problems.extend(link_problems(item))
                continue
            custom_id = item.get("custom_id") or ""
            if not custom_id or len(custom_id) > MAX_CUSTOM_ID or custom_id in ids:
                problems.append(f"bad or duplicate custom_id {custom_id!r}")
            ids.add(custom_id)
    return problems


def link_problems(button: dict[str, Any]) -> list[str]:
    """Why Discord would reject this link button: its URL must be at most 512 characters, of
    scheme http, https or discord, with a host, and without whitespace or control characters;
    and a link button has no custom_id."""
    url = button.get("url") or ""
    problems = []
    if "custom_id" in button:
        problems.append("link button has a custom_id")
    if len(url) > MAX_BUTTON_URL:
        problems.append(f"link button url is {len(url)} characters (limit {MAX_BUTTON_URL})")
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in url):
        problems.append("link button url has whitespace or control characters")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https", "discord"} or not parts.netloc:
        problems.append(f"link button url {url[:80]!r}: scheme must be http, https or discord")
    return problems


def message_problems(body: dict[str, Any], files: list[Upload] | None = None) -> list[str]:
    """Why Discord would reject this message body (create, followup or interaction reply),
    sent with `files` (multipart uploads)."""
    problems = []
    content = body.get("content") or ""
    embeds = body.get("embeds") or []
    if len(content) > MAX_CONTENT:
        problems.append(f"content is {len(content)} characters (limit {MAX_CONTENT})")
    if len(embeds) > MAX_EMBEDS:
        problems.append(f"{len(embeds)} embeds (limit {MAX_EMBEDS})")
    if not content and not embeds and not body.get("components") and not files:
        problems.append("Cannot send an empty message")
    problems.extend(attachment_problems(body, files or []))
    for embed in embeds:
        problems.extend(embed_problems(embed))
    problems.extend(component_problems(body.get("components") or []))
    return problems


@dataclass(frozen=True)
class Upload:
    """One file of a multipart request: its form field (`files[n]`), name and bytes."""

    field: str
    filename: str
    data: bytes


def attachment_problems(body: dict[str, Any], files: list[Upload]) -> list[str]:
    """Why Discord would reject these uploads: each file part must be declared in the
    body's `attachments` (by its index) under the same name, at most 10 of them, each within
    the upload limit."""
    problems = []
    declared = {str(a.get("id")): a for a in body.get("attachments") or []}
    if len(files) > MAX_ATTACHMENTS:
        problems.append(f"{len(files)} attachments (limit {MAX_ATTACHMENTS})")
    for upload in files:
        index = upload.field.removeprefix("files[").removesuffix("]")
        entry = declared.get(index)
        if entry is None or entry.get("filename") != upload.filename:
            problems.append(f"attachment {upload.field} is not declared in attachments")
        if not upload.filename:
            problems.append("attachment has no filename")
        if len(upload.data) > ATTACHMENT_LIMIT:
            problems.append(f"attachment is {len(upload.data)} bytes (limit {ATTACHMENT_LIMIT})")
    return problems


def choices_problems(choices: list[dict[str, Any]]) -> list[str]:
    """Why Discord would reject an autocomplete answer: at most 25 choices, each with a
    name of 1 to 100 characters and a string value of at most 100."""
    problems = []
    if len(choices) > MAX_CHOICES:
        problems.append(f"{len(choices)} autocomplete choices (limit {MAX_CHOICES})")
    for choice in choices:
        name, value = choice.get("name") or "", choice.get("value")
        if not 1 <= len(name) <= MAX_CHOICE_NAME:
            problems.append(f"choice name is {len(name)} characters (1 to {MAX_CHOICE_NAME})")
        if isinstance(value, str) and not 1 <= len(value) <= MAX_CHOICE_VALUE:
            problems.append(f"choice value is {len(value)} characters (1 to {MAX_CHOICE_VALUE})")
    return problems


def command_problems(commands: list[dict[str, Any]]) -> list[str]:
    """Why Discord would refuse these command definitions (a bulk overwrite)."""
    problems = []
    menus = [c for c in commands if c.get("type") == 3]
    if len(menus) > MAX_MESSAGE_MENUS:
        problems.append(f"{len(menus)} message menus (limit {MAX_MESSAGE_MENUS})")
    names = [(c.get("type", 1), c.get("name")) for c in commands]
    if len(set(names)) != len(names):
        problems.append("two commands of one type share a name")
    for command in commands:
        problems.extend(_command_problems(command, chat=command.get("type", 1) == 1))
    return problems


def _command_problems(command: dict[str, Any], chat: bool) -> list[str]:
    name = command.get("name") or ""
    problems = []
    if chat and (not COMMAND_NAME.match(name) or name != name.lower()):
        problems.append(f"command or option name {name!r} is not 1-32 lower-case word characters")
    if not chat and not 1 <= len(name) <= MAX_COMMAND_NAME:
        problems.append(f"menu name {name!r} is not 1 to {MAX_COMMAND_NAME} characters")
    description = command.get("description") or ""
    if chat and not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
        problems.append(f"{name}: description of {len(description)} characters")
    options = command.get("options") or []
    if len(options) > MAX_OPTIONS:
        problems.append(f"{name}: {len(options)} options (limit {MAX_OPTIONS})")
    if len(command.get("choices") or []) > MAX_CHOICES:
        problems.append(f"{name}: more than {MAX_CHOICES} choices")
    if command.get("autocomplete") and command.get("choices"):
        problems.append(f"{name}: autocomplete and choices together")
    for option in options:
        problems.extend(_command_problems(option, chat=True))
    return problems


@dataclass
class Call:
    """One HTTP request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float
    status: int = 0
    files: list[Upload] = field(default_factory=list)


@dataclass
class Dispatched:
    """One interaction sent to the bot, and what the bot did with it."""

    id: int
    token: str
    kind: str
    user_id: int
    channel_id: int
    dispatched_at: float
    acked_at: float | None = None
    answered_at: float | None = None
    callback_type: int | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    # The original response's message id (a reply, a deferred placeholder, or for a deferred
    # update the message the button is on), and whether it is still "thinking…".
    original_id: int | None = None
    thinking: bool = False
    message_id: int | None = None  # the message a pressed button is on
    deleted: list[int] = field(default_factory=list)
    itype: int = 2  # 2 a command or menu, 3 a button, 4 autocomplete
    choices: list[dict[str, Any]] | None = None  # an autocomplete answer

    @property
    def ack_latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.dispatched_at

    @property
    def reply(self) -> dict[str, Any] | None:
        """The last message sent in answer (the reply itself or the last follow-up)."""
        return self.messages[-1] if self.messages else None


def _user(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200) -> web.Response:
    """JSON exactly as Discord labels it: discord.py parses only `application/json`."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status=status)


class FakeDiscord:
    """Start with `start()`, point discord.py at `api_base` and `gateway_url`, `stop()` after.

    Methods meant for the test (`slash`, `menu`, `click`, `post`, `wait_until`) are coroutines
    for the test's own loop; they run their work on the fake's loop.
    """

    def __init__(
        self,
        heartbeat_interval: float = 45.0,
        interaction_deadline: float = INTERACTION_DEADLINE,
        bot_permissions: int | None = None,
        message_content_allowed: bool = False,
        shard_count: int | None = None,
    ) -> None:
        self.heartbeat_interval = heartbeat_interval
        # Sharded (the bot must IDENTIFY with this count, else close code 4010): each
        # connection is one shard, gets the events of its servers (DMs: shard 0), and a third
        # server is served. None: one connection, the first two servers, as before.
        self.shard_count = shard_count
        self.guild_ids = [GUILD_ID, OTHER_GUILD_ID] + ([THIRD_GUILD_ID] if shard_count else [])
        self.interaction_deadline = interaction_deadline
        # The bot's permissions in every channel of both servers: its invite's by default.
        self.bot_permissions = (
            invite_permissions().value if bot_permissions is None else bot_permissions
        )
        # Whether the Developer Portal grants the Message Content intent.
        self.message_content_allowed = message_content_allowed
        # Whether Discord requires this bot to shard (over 2,500 servers): an IDENTIFY
        # without a shard is closed with 4011.
        self.sharding_required = False
        # The HTTP status Discord answers the login (GET /users/@me) with, when it refuses.
        self.login_status: int | None = None
        self.calls: list[Call] = []
        self.dispatched: dict[int, Dispatched] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.files: dict[int, bytes] = {}  # attachment id → the bytes uploaded
        self.pinned: set[int] = set()
        self.threads: dict[int, dict[str, Any]] = {}
        self.thread_permission = True
        self.commands: dict[str, list[dict[str, Any]]] = {}
        # Every channel's server (None: a direct message channel), and the forum channels.
        self.channel_guild: dict[int, int | None] = {
            cid: gid for gid, channels in GUILDS.items() for cid, _ in channels
        }
        self.channel_guild[DM_CHANNEL_ID] = None
        self.forums = {forum: gid for gid, (forum, _, _) in FORUMS.items()}
        self.channel_guild.update(self.forums)
        self.waiting_posts: set[int] = set()  # forum posts whose first message is not sent
        self._tasks: set[asyncio.Task[None]] = set()
        self.heartbeats: list[float] = []
        self.identify: dict[str, Any] | None = None
        # Every IDENTIFY accepted: (when, shard id); and the connections of each shard that
        # are READY (two of one shard: a hand-over, when Discord may send events to both).
        self.identifies: list[tuple[float, int]] = []
        self.sessions: dict[int, list[web.WebSocketResponse]] = {}
        self._ids = itertools.count(200000000000000000)
        self._seq = itertools.count(1)
        self._send_lock: asyncio.Lock | None = None
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self.loop).result(10)

    def stop(self) -> None:
        for ws in [ws for group in self.sessions.values() for ws in group if not ws.closed]:
            asyncio.run_coroutine_threadsafe(ws.close(), self.loop).result(10)
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _serve(self) -> None:
        self._send_lock = asyncio.Lock()
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._http)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _on_loop(self, coro: Awaitable[T]) -> T:
        """Run a coroutine on the fake's loop from the test's loop."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]
        return await asyncio.wrap_future(future)

    # --- gateway -------------------------------------------------------------------------------

    def _guild(self, guild_id: int) -> dict[str, Any]:
        everyone = {
            "id": str(guild_id),
            "name": "@everyone",
            "permissions": str((1 << 10) | (1 << 11) | (1 << 16)),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        role = {**everyone, "id": str(BOT_ROLE_ID), "name": "quotebot", "position": 1}
        role["permissions"] = str(self.bot_permissions)
        channels = [
            {"id": str(cid), "type": TEXT, "name": name, "position": i, "permission_overwrites": []}
            for i, (cid, name) in enumerate(GUILDS[guild_id])
        ]
        channels.append(self._forum(guild_id))
        me = {
            "user": _user(BOT_ID, "quotebot", bot=True),
            "roles": [str(BOT_ROLE_ID)],
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        return {
            "id": str(guild_id),
            "name": f"Test server {guild_id}",
            "owner_id": "1",
            "roles": [everyone, role],
            "channels": channels,
            "threads": [],
            "members": [me],
            "member_count": 2,
            "emojis": [],
            "stickers": [],
            "features": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "stage_instances": [],
            "voice_states": [],
            "presences": [],
            "unavailable": False,
            "large": False,
            "joined_at": _now_iso(),
            "premium_tier": 0,
        }

    @staticmethod
    def _forum(guild_id: int) -> dict[str, Any]:
        forum_id, name, tags = FORUMS[guild_id]
        return {
            "id": str(forum_id),
            "type": FORUM,
            "name": name,
            "position": 10,
            "permission_overwrites": [],
            "flags": 0,
            "available_tags": [
                {"id": str(t), "name": n, "moderated": False, "emoji_id": None, "emoji_name": e}
                for t, n, e in tags
            ],
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        interval_ms = int(self.heartbeat_interval * 1000)
        await self._send_to(ws, {"op": 10, "d": {"heartbeat_interval": interval_ms}})
        shard = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    break
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == 1:
                    self.heartbeats.append(time.perf_counter())
                    await self._send_to(ws, {"op": 11})
                elif op == 2:
                    shard = await self._identified(ws, payload["d"])
                    if shard is None:
                        break
        finally:
            if shard is not None and ws in self.sessions.get(shard, []):
                self.sessions[shard].remove(ws)
        return ws

    async def _identified(self, ws: web.WebSocketResponse, identify: dict[str, Any]) -> int | None:
        """Check an IDENTIFY as Discord does; READY with the shard's servers. The shard's id,
        or None when the connection was closed instead."""
        self.identify = identify
        if identify.get("token") != TOKEN:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        if self.content_intent and not self.message_content_allowed:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        if self.sharding_required and not identify.get("shard"):
            await ws.close(code=4011, message=b"Sharding required.")
            return None
        shard, count = identify.get("shard") or [0, 1]
        if (self.shard_count or 1) != count or not 0 <= shard < count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        self.identifies.append((time.perf_counter(), shard))
        self.sessions.setdefault(shard, []).append(ws)
        guilds = [g for g in self.guild_ids if shard_of(g, count) == shard]
        ready = {
            "v": 10,
            "user": _user(BOT_ID, "quotebot", bot=True),
            "guilds": [self._guild(g) for g in guilds],
            "session_id": f"session-{shard}-{len(self.identifies)}",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }
        if self.shard_count:
            ready["shard"] = [shard, count]
        await self._send_to(ws, {"op": 0, "t": "READY", "s": next(self._seq), "d": ready})
        return shard

    async def _send_to(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        assert self._send_lock is not None
        async with self._send_lock:
            await ws.send_str(json.dumps(payload))

    def _event_guild(self, data: dict[str, Any]) -> int | None:
        """The server an event belongs to, by its `guild_id` or its channel's."""
        if "guild_id" in data:
            return int(data["guild_id"])
        channel = data.get("channel_id")
        return None if channel is None else self.channel_guild.get(int(channel))

    def _event_frame(self, event: str, data: dict[str, Any]) -> tuple[int, str]:
        """An event as sent: its server's shard, and the gateway frame."""
        shard = shard_of(self._event_guild(data), self.shard_count or 1)
        return shard, json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data})

    async def _send_frame(self, shard: int, frame: str) -> None:
        """Send a frame on every connection of a shard."""
        assert self._send_lock is not None
        for ws in list(self.sessions.get(shard, [])):
            if not ws.closed:
                async with self._send_lock:
                    await ws.send_str(frame)

    async def _dispatch_event(self, event: str, data: dict[str, Any]) -> None:
        """Send an event on its server's shard (every connection of it)."""
        await self._send_frame(*self._event_frame(event, data))

    @property
    def connected(self) -> bool:
        return bool(self.sessions)

    @property
    def content_intent(self) -> bool:
        """Whether the bot identified with the Message Content intent."""
        return bool(self.identify and self.identify.get("intents", 0) & MESSAGE_CONTENT_INTENT)

    def visible(self, message: dict[str, Any]) -> dict[str, Any]:
        """`message` as Discord sends it to the bot: without the Message Content intent,
        only its own messages, direct messages and messages that mention it carry their
        text (a message menu's target too, which `menu` sends as stored)."""
        if (
            self.content_intent
            or message["author"]["id"] == str(BOT_ID)
            or self.channel_guild.get(int(message["channel_id"])) is None
            or any(u["id"] == str(BOT_ID) for u in message.get("mentions", []))
        ):
            return message
        return {**message, "content": "", "embeds": [], "attachments": [], "components": []}

    def _later(self, coro: Awaitable[None]) -> None:
        """Run `coro` on the fake's loop without waiting for it (an event Discord sends
        around the time it answers a request)."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def heartbeat_lateness(self) -> list[float]:
        """For each heartbeat after the first: how far past the interval it came."""
        gaps = [b - a for a, b in itertools.pairwise(self.heartbeats)]
        return [gap - self.heartbeat_interval for gap in gaps]

    # --- driving the bot -----------------------------------------------------------------------

    def _member(self, user_id: int, name: str, permissions: int) -> dict[str, Any]:
        return {
            "user": _user(user_id, name),
            "roles": [],
            "permissions": str(permissions),
            "joined_at": _now_iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    def channel_json(self, channel_id: int) -> dict[str, Any]:
        """A guild channel or thread as Discord describes it in an interaction."""
        if channel_id in self.threads:
            return self.threads[channel_id]
        guild_id = self.channel_guild[channel_id]
        assert guild_id is not None
        if channel_id in self.forums:
            return {**self._forum(guild_id), "guild_id": str(guild_id)}
        name = dict(GUILDS[guild_id])[channel_id]
        return {
            "id": str(channel_id),
            "type": TEXT,
            "guild_id": str(guild_id),
            "name": name,
            "position": 0,
            "permission_overwrites": [],
        }

    async def _interaction(
        self,
        kind: str,
        itype: int,
        data: dict[str, Any],
        user_id: int,
        permissions: int,
        message: dict[str, Any] | None = None,
        channel_id: int = CHANNEL_ID,
    ) -> Dispatched:
        iid = next(self._ids)
        token = f"itoken-{iid}-{'x' * 40}"  # long and unlike any other text, as Discord's are
        guild_id = self.channel_guild[channel_id]
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": itype,
            "token": token,
            "version": 1,
            "channel_id": str(channel_id),
            "app_permissions": str(ALL_PERMISSIONS if guild_id is None else self.bot_permissions),
            "locale": "en-US",
            "attachment_size_limit": ATTACHMENT_LIMIT,
            "entitlements": [],
            "data": data,
        }
        if guild_id is None:
            payload |= {
                "channel": {"id": str(channel_id), "type": DM, "recipients": [_user(user_id, "u")]},
                "user": _user(user_id, f"user{user_id}"),
                "authorizing_integration_owners": {"1": str(user_id)},
                "context": 1,
            }
        else:
            payload |= {
                "guild_id": str(guild_id),
                "channel": self.channel_json(channel_id),
                "member": self._member(user_id, f"user{user_id}", permissions),
                "guild_locale": "en-US",
                "authorizing_integration_owners": {"0": str(guild_id)},
                "context": 0,
            }
        record = Dispatched(iid, token, kind, user_id, channel_id, time.perf_counter(), itype=itype)
        if message is not None:
            payload["message"] = message
            record.message_id = int(message["id"])
        self.dispatched[iid] = record
        await self._dispatch_event("INTERACTION_CREATE", payload)
        return record

    async def slash(
        self,
        name: str,
        user_id: int = 7001,
        permissions: int = 0,
        channel_id: int = CHANNEL_ID,
        **options: Any,
    ) -> Dispatched:
        """Dispatch a chat-input command, e.g. `slash("ask", question="…")`; for a subcommand
        pass `name="answers unanswered"`; a channel option's value is a `Channel`.
        `channel_id` picks the server (or a DM)."""
        data = self._command_data(name, options)
        return await self._on_loop(
            self._interaction(name, 2, data, user_id, permissions, channel_id=channel_id)
        )

    async def autocomplete(
        self,
        name: str,
        focused: str,
        user_id: int = 7001,
        permissions: int = 0,
        channel_id: int = CHANNEL_ID,
        **options: Any,
    ) -> Dispatched:
        """Dispatch an autocomplete interaction for `name`'s option `focused` (its partial
        text in `options`, like the other options already filled in)."""
        data = self._command_data(name, options, focused)
        return await self._on_loop(
            self._interaction(name, 4, data, user_id, permissions, channel_id=channel_id)
        )

    def _option(self, name: str, value: Any, focused: str | None) -> dict[str, Any]:
        if isinstance(value, Channel):
            return {"name": name, "type": 7, "value": str(value.id)}
        if isinstance(value, bool):
            kind = 5
        elif isinstance(value, int):
            kind = 4
        elif isinstance(value, float):
            kind = 10
        else:
            kind = 3
        option = {"name": name, "type": kind, "value": value}
        if name == focused:
            option["focused"] = True
        return option

    def _command_data(
        self, name: str, options: dict[str, Any], focused: str | None = None
    ) -> dict[str, Any]:
        opts = [self._option(k, v, focused) for k, v in options.items()]
        parts = name.split()
        data: dict[str, Any] = {"id": "1", "name": parts[0], "type": 1, "options": opts}
        if len(parts) == 2:
            data["options"] = [{"name": parts[1], "type": 1, "options": opts}]
        channels = [v.id for v in options.values() if isinstance(v, Channel)]
        if channels:
            data["resolved"] = {
                "channels": {
                    str(c): {**self.channel_json(c), "permissions": str(ALL_PERMISSIONS)}
                    for c in channels
                }
            }
        return data

    async def slash_burst(
        self, name: str, calls: list[tuple[int, dict[str, Any]]]
    ) -> list[Dispatched]:
        """Dispatch many commands at once: `calls` is a list of (user id, options)."""

        async def burst() -> list[Dispatched]:
            return [
                await self._interaction(name, 2, self._command_data(name, options), user, 0)
                for user, options in calls
            ]

        return await self._on_loop(burst())

    async def menu(
        self,
        name: str,
        message_id: int,
        user_id: int = 7001,
        permissions: int = 0,
        channel_id: int | None = None,
    ) -> Dispatched:
        """Dispatch a message context-menu command on a message (from the message's channel
        unless `channel_id` says otherwise). Its target carries its text whatever the
        intents, as on Discord."""
        message = self.messages[message_id]
        data = {
            "id": "2",
            "name": name,
            "type": 3,
            "target_id": str(message_id),
            "resolved": {"messages": {str(message_id): message}},
        }
        channel = channel_id or int(message["channel_id"])
        return await self._on_loop(
            self._interaction(name, 2, data, user_id, permissions, channel_id=channel)
        )

    async def click(
        self,
        custom_id: str,
        message_id: int,
        user_id: int = 7001,
        permissions: int = 0,
        channel_id: int | None = None,
    ) -> Dispatched:
        """Dispatch a button press on a message the bot sent (from the message's channel
        unless `channel_id` forges another: Discord itself never does)."""
        data = {"custom_id": custom_id, "component_type": 2}
        message = self.messages[message_id]
        channel = channel_id or int(message["channel_id"])
        return await self._on_loop(
            self._interaction(custom_id, 3, data, user_id, permissions, message, channel)
        )

    async def post(
        self,
        content: str,
        author_id: int = 7001,
        channel_id: int = CHANNEL_ID,
        mention_bot: bool = True,
    ) -> int:
        """A member posts a message (MESSAGE_CREATE); returns its id."""

        async def go() -> int:
            mid = next(self._ids)
            message = self._member_message(mid, channel_id, content, author_id, mention_bot)
            self.messages[mid] = message
            await self._dispatch_event("MESSAGE_CREATE", self.visible(message))
            return mid

        return await self._on_loop(go())

    async def chatter(self, count: int, channel_id: int = CHANNEL_ID) -> float:
        """`count` messages between members that do not mention the bot, as fast as the
        bot's connection takes them: what a busy server sends every bot with the default
        intents (not kept: the bot answers none of them). Made before the first is sent, so
        the sending goes at the bot's pace, not the fake's; returns when sending began
        (`time.perf_counter`)."""
        frames = [
            self._event_frame(
                "MESSAGE_CREATE",
                self.visible(
                    self._member_message(
                        next(self._ids), channel_id, f"chatter {i}", 7001 + i % 50, False
                    )
                ),
            )
            for i in range(count)
        ]

        async def go() -> float:
            began = time.perf_counter()
            for i, (shard, frame) in enumerate(frames):
                await self._send_frame(shard, frame)
                if i % 100 == 99:
                    await asyncio.sleep(0)  # heartbeats are read and answered meanwhile
            return began

        return await self._on_loop(go())

    def _member_message(
        self, mid: int, channel_id: int, content: str, author_id: int, mention_bot: bool
    ) -> dict[str, Any]:
        message = self._message_json(mid, channel_id, content, _user(author_id, "member"))
        message["mentions"] = [_user(BOT_ID, "quotebot", bot=True)] if mention_bot else []
        if self.channel_guild[channel_id] is not None:
            message["member"] = {
                k: v for k, v in self._member(author_id, "m", 0).items() if k != "user"
            }
        return message

    async def forum_post(
        self,
        title: str,
        content: str,
        author_id: int = 7001,
        forum_id: int = FORUM_ID,
        mention_bot: bool = False,
        starter_delay: float = 0.0,
    ) -> int:
        """A member opens a forum post: THREAD_CREATE (the thread, named `title`), then its
        first message (same id as the thread) `starter_delay` seconds later, as Discord
        sends them; until then, Discord refuses messages in the thread. Returns its id."""

        async def go() -> int:
            tid = next(self._ids)
            guild_id = self.forums[forum_id]
            self.channel_guild[tid] = guild_id
            self.threads[tid] = self._thread_json(tid, guild_id, forum_id, author_id, title)
            self.waiting_posts.add(tid)
            await self._dispatch_event(
                "THREAD_CREATE", {**self.threads[tid], "newly_created": True}
            )
            self._later(self._starter(tid, content, author_id, mention_bot, starter_delay))
            return tid

        return await self._on_loop(go())

    async def _starter(
        self, tid: int, content: str, author_id: int, mention_bot: bool, delay: float
    ) -> None:
        await asyncio.sleep(delay)
        message = self._member_message(tid, tid, content, author_id, mention_bot)
        self.messages[tid] = message
        self.waiting_posts.discard(tid)
        await self._dispatch_event("MESSAGE_CREATE", self.visible(message))

    @staticmethod
    def _thread_json(
        tid: int, guild_id: int, parent_id: int, owner_id: int, name: str
    ) -> dict[str, Any]:
        return {
            "id": str(tid),
            "type": PUBLIC_THREAD,
            "guild_id": str(guild_id),
            "parent_id": str(parent_id),
            "owner_id": str(owner_id),
            "name": name,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now_iso(),
                "locked": False,
            },
        }

    async def choices(self, record: Dispatched, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait for the bot's answer to an autocomplete interaction and return its choices."""
        await self.wait_until(lambda: record.choices is not None, timeout, "autocomplete")
        assert record.choices is not None
        return record.choices

    async def wait_until(
        self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition"
    ) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.01)

    async def answered(self, record: Dispatched, messages: int = 1, timeout: float = 10.0) -> dict:
        """Wait for the bot's reply to an interaction and return it."""
        await self.wait_until(
            lambda: len(record.messages) >= messages, timeout, f"a reply to {record.kind}"
        )
        assert record.reply is not None
        return record.reply

    def message_bodies(self) -> list[dict[str, Any]]:
        """Every message body the bot sent, by any route (replies, updates, follow-ups,
        channel posts)."""
        bodies = []
        for c in self.calls:
            if not isinstance(c.body, dict) or c.method != "POST":
                continue
            if c.path.startswith("/interactions/") and c.body.get("type") in (4, 7):
                bodies.append(c.body.get("data") or {})
            elif c.path.startswith("/webhooks/") or c.path.endswith("/messages"):
                bodies.append(c.body)
        return bodies

    # --- HTTP API ------------------------------------------------------------------------------

    def _message_json(
        self, mid: int, channel_id: int, content: str, author: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        guild_id = self.channel_guild[channel_id]
        return {
            "id": str(mid),
            "channel_id": str(channel_id),
            **({} if guild_id is None else {"guild_id": str(guild_id)}),
            "author": author,
            "content": content,
            "embeds": [],
            "components": [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "type": 0,
            "flags": 0,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            **extra,
        }

    def _bot_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[Upload] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        mid = next(self._ids)
        message = self._message_json(
            mid,
            channel_id,
            body.get("content") or "",
            _user(BOT_ID, "quotebot", bot=True),
            **extra,
        )
        message["embeds"] = body.get("embeds") or []
        message["components"] = body.get("components") or []
        message["flags"] = body.get("flags") or 0
        message["attachments"] = [self._attachment(f) for f in files or []]
        if "message_reference" in body:
            message["message_reference"] = {
                **body["message_reference"],
                "channel_id": str(channel_id),
            }
        self.messages[mid] = message
        return message

    def _attachment(self, upload: Upload) -> dict[str, Any]:
        aid = next(self._ids)
        self.files[aid] = upload.data
        url = f"http://127.0.0.1:{self.port}/attachments/{aid}/{upload.filename}"
        return {
            "id": str(aid),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
        }

    def attachments(self, message: dict[str, Any]) -> list[tuple[str, bytes]]:
        """A message's files as the bot uploaded them: (name, bytes)."""
        return [(a["filename"], self.files[int(a["id"])]) for a in message["attachments"]]

    async def _http(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: list[Upload] = []
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw)
            elif request.content_type.startswith("multipart"):
                body, files = _multipart(request.headers["Content-Type"], raw)
        call = Call(request.method, path, dict(request.query), body, time.perf_counter())
        call.files = files
        self.calls.append(call)
        response = self._route(request, call)
        call.status = response.status
        return response

    def _bot_can(self, permission: int) -> bool:
        return bool(self.bot_permissions & permission)

    def _route(self, request: web.Request, call: Call) -> web.Response:
        parts = call.path.strip("/").split("/")
        method = call.method
        authorized = request.headers.get("Authorization") == f"Bot {TOKEN}"
        if parts[0] not in {"interactions", "webhooks"} and not authorized:
            return _error(401, 0, "401: Unauthorized")
        if method == "GET" and parts == ["users", "@me"] and self.login_status is not None:
            # A 429 without Cloudflare's `Via` header: a ban, which discord.py does not retry.
            return _error(self.login_status, 0, f"{self.login_status}: refused")
        if method == "GET" and parts == ["users", "@me"]:
            return _json(_user(BOT_ID, "quotebot", bot=True))
        if method == "GET" and parts == ["oauth2", "applications", "@me"]:
            return _json(self._application())
        if method == "GET" and parts[0] == "gateway":
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": self.shard_count or 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if parts[0] == "interactions" and len(parts) == 4 and method == "POST":
            return self._callback(int(parts[1]), parts[2], call.body, call.files)
        if parts[0] == "webhooks" and len(parts) == 3 and method == "POST":
            return self._followup(parts[2], call.body, call.files)
        if parts[0] == "webhooks" and parts[3:] == ["messages", "@original"]:
            return self._original(parts[2], method, call.body)
        if parts[0] == "channels" and len(parts) == 2 and method == "PATCH":
            return self._edit_thread(int(parts[1]), call.body)
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "messages":
            return self._create_message(int(parts[1]), call.body, call.files)
        if (
            parts[0] == "channels"
            and len(parts) == 4
            and parts[2] == "messages"
            and method == "GET"
        ):
            return self._fetch_message(int(parts[1]), int(parts[3]))
        if parts[0] == "channels" and len(parts) == 5 and parts[4] == "threads":
            return self._create_thread(int(parts[1]), int(parts[3]), call.body)
        if parts[0] == "channels" and parts[2:4] == ["messages", "pins"] and len(parts) == 5:
            return self._pin(int(parts[4]), method == "PUT")
        if parts[0] == "applications" and method == "PUT" and parts[-1] == "commands":
            problems = command_problems(call.body)
            if problems:
                return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
            scope = parts[3] if len(parts) == 5 else "global"
            self.commands[scope] = [
                {
                    "description": "",
                    **c,
                    "id": str(next(self._ids)),
                    "application_id": str(APP_ID),
                    "version": "1",
                }
                for c in call.body
            ]
            return _json(self.commands[scope])
        return _error(404, 0, f"404: Not Found ({method} {call.path})")

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(APP_ID),
            "name": "quotebot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": _user(1, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _refuse(self, record: Dispatched, problems: list[str]) -> web.Response:
        record.refused.extend(problems)
        return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))

    def _callback(
        self, iid: int, token: str, body: dict[str, Any], files: list[Upload]
    ) -> web.Response:
        record = self.dispatched.get(iid)
        if record is None or record.token != token:
            return _error(404, 10062, "Unknown interaction")
        if time.perf_counter() - record.dispatched_at > self.interaction_deadline:
            record.refused.append("response after the 3-second deadline")
            return _error(404, 10062, "Unknown interaction")
        if record.acked_at is not None:
            record.refused.append("second response")
            return _error(400, 40060, "Interaction has already been acknowledged.")
        rtype = body.get("type")
        data = body.get("data") or {}
        if (rtype == 8) != (record.itype == 4):
            return self._refuse(record, [f"response type {rtype} to interaction {record.itype}"])
        if rtype in (6, 7) and record.itype != 3:
            return self._refuse(record, [f"response type {rtype} to a non-component"])
        message = None
        if rtype == 4:
            problems = message_problems(data, files)
            if problems:
                return self._refuse(record, problems)
            message = self._bot_message(record.channel_id, data, files, type=20)
            record.messages.append(message)
            record.answered_at = time.perf_counter()
            record.original_id = int(message["id"])
        elif rtype == 5:
            # "thinking…": a message of its own, public or ephemeral as the defer asked.
            flags = LOADING | (data.get("flags", 0) & EPHEMERAL)
            placeholder = self._bot_message(record.channel_id, {"flags": flags}, type=20)
            record.original_id, record.thinking = int(placeholder["id"]), True
        elif rtype == 6:
            record.original_id = record.message_id  # a deferred update: the button's message
        elif rtype == 7:
            # An update: the button's message edited in place, and the original response.
            target = self.messages.get(record.message_id or 0)
            if target is None:
                return _error(404, 10008, "Unknown Message")
            problems = message_problems({**target, **data})
            if problems:
                return self._refuse(record, problems)
            self._fill(target, data, flags=target["flags"])
            record.original_id = record.message_id
            record.messages.append(target)
            record.answered_at = time.perf_counter()
        elif rtype == 8:
            problems = choices_problems(data.get("choices") or [])
            if problems:
                return self._refuse(record, problems)
            record.choices = data.get("choices") or []
        else:
            return self._refuse(record, [f"response type {rtype} is not supported here"])
        record.acked_at = time.perf_counter()
        record.callback_type = rtype
        response: dict[str, Any] = {
            "interaction": {
                "id": str(iid),
                "type": record.itype,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
            }
        }
        if message is not None:
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"] = {"type": rtype, "message": message}
        return _json(response)

    def _followup(self, token: str, body: dict[str, Any], files: list[Upload]) -> web.Response:
        record = next((r for r in self.dispatched.values() if r.token == token), None)
        if record is None or record.acked_at is None:
            return _error(404, 10015, "Unknown Webhook")
        problems = message_problems(body, files)
        if problems:
            return self._refuse(record, problems)
        if record.thinking and record.original_id in self.messages:
            # The first follow-up after a defer is the original response: it replaces the
            # "thinking…" message, keeps its id and its ephemerality.
            message = self.messages[record.original_id]
            self._fill(message, body, flags=message["flags"] & ~LOADING)
            message["attachments"] = [self._attachment(f) for f in files]
            record.thinking = False
        else:
            message = self._bot_message(
                record.channel_id, body, files, type=20, webhook_id=str(APP_ID)
            )
        record.messages.append(message)
        record.answered_at = record.answered_at or time.perf_counter()
        return _json(message)

    def _original(self, token: str, method: str, body: Any) -> web.Response:
        """GET, PATCH or DELETE `@original`: whatever message the original response is now."""
        record = next((r for r in self.dispatched.values() if r.token == token), None)
        if record is None or record.acked_at is None:
            return _error(404, 10015, "Unknown Webhook")
        message = self.messages.get(record.original_id or 0)
        if message is None:
            return _error(404, 10008, "Unknown Message")
        if method == "DELETE":
            del self.messages[int(message["id"])]
            record.deleted.append(int(message["id"]))
            record.thinking = False
            return web.Response(status=204)
        if method == "PATCH":
            problems = message_problems({**message, **body})
            if problems:
                return self._refuse(record, problems)
            self._fill(message, body, flags=message["flags"] & ~LOADING)
            record.thinking = False
            record.messages.append(message)
            record.answered_at = record.answered_at or time.perf_counter()
        return _json(message)

    @staticmethod
    def _fill(message: dict[str, Any], body: dict[str, Any], flags: int) -> None:
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key]
        message["flags"] = flags

    def _create_message(
        self, channel_id: int, body: dict[str, Any], files: list[Upload]
    ) -> web.Response:
        problems = message_problems(body, files)
        if problems:
            return _error(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        if channel_id not in self.channel_guild:
            return _error(404, 10003, "Unknown Channel")
        if channel_id in self.forums:
            return _error(400, 50008, "Cannot send messages in a non-text channel")
        if channel_id in self.waiting_posts:
            return _error(
                403,
                40058,
                "Cannot message this thread until after the post author has sent an "
                "initial message.",
            )
        in_thread = channel_id in self.threads
        needed = SEND_MESSAGES_IN_THREADS if in_thread else SEND_MESSAGES
        if self.channel_guild[channel_id] is not None and not self._bot_can(needed):
            return _error(403, 50013, "Missing Permissions")
        reference = (body.get("message_reference") or {}).get("message_id")
        if reference is not None:
            referenced = self.messages.get(int(reference))
            if referenced is None or referenced["channel_id"] != str(channel_id):
                return _error(400, 50035, "Invalid Form Body: unknown message_reference")
        if in_thread:
            self.threads[channel_id]["thread_metadata"]["archived"] = False  # a message reopens
        return _json(self._bot_message(channel_id, body, files))

    def _fetch_message(self, channel_id: int, message_id: int) -> web.Response:
        message = self.messages.get(message_id)
        if message is None or message["channel_id"] != str(channel_id):
            return _error(404, 10008, "Unknown Message")
        return _json(self.visible(message))

    def _create_thread(
        self, channel_id: int, message_id: int, body: dict[str, Any]
    ) -> web.Response:
        name = body.get("name") or ""
        if not self.thread_permission or not self._bot_can(CREATE_PUBLIC_THREADS):
            return _error(403, 50013, "Missing Permissions")
        if not 1 <= len(name) <= MAX_THREAD_NAME:
            return _error(400, 50035, f"thread name is {len(name)} characters")
        if message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        guild_id = self.channel_guild.get(channel_id)
        if guild_id is None or channel_id in self.forums or channel_id in self.threads:
            return _error(400, 50024, "Cannot execute action on this channel type")
        tid = next(self._ids)
        self.channel_guild[tid] = guild_id
        thread = self._thread_json(tid, guild_id, channel_id, BOT_ID, name)
        self.threads[tid] = thread
        self._later(self._dispatch_event("THREAD_CREATE", {**thread, "newly_created": True}))
        return _json(thread)

    def _edit_thread(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        """PATCH a thread: archive, lock or tag a forum post (the bot owns none of them, so
        it needs Manage Threads)."""
        thread = self.threads.get(channel_id)
        if thread is None:
            return _error(404, 10003, "Unknown Channel")
        if thread["owner_id"] != str(BOT_ID) and not self._bot_can(MANAGE_THREADS):
            return _error(403, 50013, "Missing Permissions")
        if "applied_tags" in body:
            tags = [str(t) for t in body["applied_tags"]]
            parent = int(thread["parent_id"])
            known = {str(t) for t, _, _ in FORUMS.get(self.forums.get(parent, -1), (0, "", []))[2]}
            if len(tags) > MAX_APPLIED_TAGS or not set(tags) <= known:
                problems = f"applied_tags {tags}: at most {MAX_APPLIED_TAGS} of the forum's tags"
                return _error(400, 50035, "Invalid Form Body: " + problems)
            thread["applied_tags"] = tags
        for key in ("archived", "locked"):
            if key in body:
                thread["thread_metadata"][key] = bool(body[key])
        return _json(thread)

    def _pin(self, message_id: int, pin: bool) -> web.Response:
        if message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        if not self._bot_can(MANAGE_MESSAGES):
            return _error(403, 50013, "Missing Permissions")
        if pin:
            self.pinned.add(message_id)
        else:
            self.pinned.discard(message_id)
        return web.Response(status=204)


def _multipart(content_type: str, raw: bytes) -> tuple[dict[str, Any], list[Upload]]:
    """A multipart/form-data body as Discord reads it: the JSON of `payload_json`, and the
    uploaded files."""
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + raw)
    body: dict[str, Any] = {}
    files = []
    for part in parsed.iter_parts():
        name = part.get_param("name", header="content-disposition") or ""
        data = part.get_payload(decode=True) or b""
        if name == "payload_json":
            body = json.loads(data)
        else:
            files.append(Upload(str(name), part.get_filename() or "", data))
    return body, files
