"""Answers, source lists and reports as Discord messages: a `discord.Embed`, the buttons, and
`allowed_mentions` none. Every part is escaped and trimmed to Discord's limits here, so what
the cogs send always goes through."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.http import handle_message_parameters

from bot.citation import cite
from bot.discord import controls, limits
from bot.discord.fact_card import card_blocks, no_match_text
from bot.discord.links import usable_link
from bot.discord.markdown import code, escape, one_line, rich_quote
from bot.discord.service import Reply, SourceInfo
from bot.facts.models import FactLookup
from bot.models import Answer, Snippet
from bot.quote_markup import Piece, pieces
from bot.render_text import also_stated, shown_text

NO_MENTIONS = discord.AllowedMentions.none()

COLOURS = {
    "answered": discord.Colour.green(),
    "conflict": discord.Colour.orange(),
    "no_answer": discord.Colour.light_grey(),
    "pinned": discord.Colour.gold(),
}
HEADINGS = {
    "answered": "",
    "conflict": "**The sources disagree.** Each claim is quoted with its source and who made it.",
    "no_answer": "**The sources don't say.**",
}
FACT_HEADINGS = {
    "answered": "Every claim the sources make about it, with who makes it and where.",
    "conflict": "**The sources disagree.** Each claim is listed with who makes it and where.",
}
PINNED_LABEL = "📌 Pinned by moderators"
MAX_LINK_BUTTONS = 20  # four rows of five under the row of feedback buttons


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (an export), kept as bytes: a `discord.File` is read once,
    so each send makes its own."""

    filename: str
    data: bytes


@dataclass
class OutgoingMessage:
    """One message as the cogs send it; `payload()` is what discord.py puts on the wire.
    Mentions are always off: quotes and echoed questions may hold @everyone or role pings."""

    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    content: str | None = None
    files: list[Attachment] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs = self.edit_kwargs()
        if self.files:
            kwargs["files"] = [discord.File(io.BytesIO(f.data), f.filename) for f in self.files]
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """What editing a message into this one takes (files are only ever sent)."""
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if self.embed is not None:
            kwargs["embed"] = self.embed
        if self.content:
            kwargs["content"] = self.content
        if self.view is not None:
            kwargs["view"] = self.view
        return kwargs

    def payload(self) -> dict[str, Any]:
        """The JSON body discord.py serializes for this message (with files, the
        `payload_json` part of the upload, which declares them as `attachments`)."""
        params = handle_message_parameters(**self.send_kwargs())
        if params.payload is not None:
            return params.payload
        part = next(p for p in params.multipart or [] if p["name"] == "payload_json")
        return json.loads(part["value"])


def citation(snippet: Snippet) -> str:
    """— "Title", publisher, date (file, line N), as every face cites, escaped; what the
    source does not state is left out."""
    title = limits.trim(snippet.title, 200)
    publisher = limits.trim(snippet.publisher, 120) if snippet.publisher else None
    return "— " + escape(cite(title, publisher, snippet.date, snippet.source, snippet.line))


def _claim_line(snippet: Snippet) -> str:
    """ "**15** — Boston Police (Commissioner Michael Cox)": one line per claim."""
    who = escape(snippet.claimed_by) if snippet.claimed_by else "an unnamed party"
    if snippet.value:
        return f"**{escape(snippet.value)}** — {who}"
    return f"**Claimed by {who}:**"


def _lead(answer: Answer) -> str:
    """The answer line, its value in bold ("**57** — Boston Police Department, 2025"), or the
    heading of the answer's kind."""
    if not answer.answer:
        return HEADINGS[answer.status]
    value, sep, rest = answer.answer.partition(" — ")
    if sep and answer.status != "conflict":
        return f"**{escape(value)}** — {escape(rest)}"
    return f"**{escape(answer.answer)}**"


def _quotes_block(reply: Reply, room: int) -> str:
    """The answer line, then each quote with its citation (sharing `room` characters fairly),
    then where else the sources say the same, in one line."""
    answer = reply.answer
    heading = _lead(answer)
    conflict = answer.status == "conflict"
    also = also_stated(answer.corroborated_by)
    tail = escape(f"Also stated in: {'; '.join(also)}") if also else ""
    parts = []
    for claims in answer.quotes():
        head = "".join(f"{_claim_line(s)}\n" for s in claims) if conflict else ""
        parts.append((head, citation(claims[0]), shown_pieces(claims[0])))
    fixed = len(heading) + len(tail) + 4 + sum(len(h) + len(c) + 3 for h, c, _ in parts)
    share = max((room - fixed) // max(len(parts), 1), 40)
    blocks = [heading] if heading else []
    spare = 0
    for head, cited, quote in parts:
        quoted = rich_quote(quote, share + spare)
        spare = share + spare - len(quoted)
        blocks.append(f"{head}{quoted}\n{cited}")
    if tail:
        blocks.append(tail)
    return "\n\n".join(blocks)


def shown_pieces(snippet: Snippet) -> list[Piece]:
    """What a quote shows: a table row as "label: value", else the quote read by its format."""
    if snippet.table_row:
        return [Piece("text", shown_text(snippet))]
    return pieces(snippet.quote, snippet.format, snippet.code)


def _no_answer_block(reply: Reply) -> str:
    lines = [HEADINGS["no_answer"]]
    if reply.answer.note:
        lines.append(escape(reply.answer.note))
    if reply.topics:
        lines.append("\n**Closest in the sources:**")
        lines.extend(f"• {escape(topic)}" for topic in reply.topics)
    return "\n".join(lines)


def _link_buttons(snippets: list[Snippet]) -> list[discord.ui.Button]:
    """One link per distinct source URL Discord accepts, labelled with the source's title."""
    seen: dict[str, str] = {}
    for s in snippets:
        if s.url and s.url not in seen and usable_link(s.url):
            seen[s.url] = s.title
    return [
        discord.ui.Button(
            style=discord.ButtonStyle.link,
            url=url,
            label=limits.trim(" ".join(title.split()), limits.BUTTON_LABEL) or "Source",
        )
        for url, title in list(seen.items())[:MAX_LINK_BUTTONS]
    ]


@dataclass(frozen=True)
class Controls:
    """Which buttons an answer may get, as decided by where it is posted (the feature that
    posts it knows): 📌 where a moderator could pin it (a public answer in a server, in a
    channel where the bot may pin), 🗑 on a public message, ✅ under a forum post's answer."""

    pin: bool = True
    delete: bool = True
    solved: bool = False


PRIVATE = Controls(pin=False, delete=False)  # an ephemeral answer: only votes


def answer_view(reply: Reply, where: Controls = Controls()) -> discord.ui.View:
    """👍 👎, then 📌 (when the answer has quotes to pin and is not already a curated one),
    🗑 and ✅ as `where` allows, on the first row; then a link button per source with a URL."""
    view = discord.ui.View(timeout=None)
    buttons = [controls.vote_button("up"), controls.vote_button("down")]
    if where.pin and reply.answer.status != "no_answer" and reply.pinned is None:
        buttons.append(controls.pin_button())
    if where.delete:
        buttons.append(controls.delete_button())
    if where.solved:
        buttons.append(controls.solved_button())
    for button in buttons:
        button.row = 0
        view.add_item(button)
    for i, button in enumerate(_link_buttons(reply.answer.snippets)):
        button.row = 1 + i // 5
        view.add_item(button)
    return view


def answer_embed(reply: Reply) -> discord.Embed:
    answer = reply.answer
    colour = COLOURS["pinned" if reply.pinned else answer.status]
    embed = discord.Embed(title=escape(answer.question) or "Your question", colour=colour)
    if reply.pinned:
        embed.set_author(name=PINNED_LABEL)
    if answer.status == "no_answer":
        embed.description = _no_answer_block(reply)
    else:
        embed.description = _quotes_block(reply, limits.DESCRIPTION)
    footer = []
    if answer.note and answer.status == "answered":
        footer.append(answer.note)
    if reply.pinned:
        footer.append(
            f"Pinned answer to “{limits.trim(reply.pinned.question, 300)}”, pinned by "
            f"{reply.pinned.pinned_by_name} on {reply.pinned.pinned_at[:10]}."
        )
    if footer:
        embed.set_footer(text=" ".join(footer))
    return limits.fit_embed(embed)


def answer_message(reply: Reply, where: Controls = Controls()) -> OutgoingMessage:
    return OutgoingMessage(embed=answer_embed(reply), view=answer_view(reply, where))


def fact_embed(result: FactLookup) -> discord.Embed:
    """/fact: a field per measure and period, a line per claim with its quote when there is
    room; or, when nothing matched, the closest measures."""
    embed = discord.Embed(title=limits.trim(escape(result.query), limits.TITLE) or "Fact")
    if not result.facts:
        embed.colour = COLOURS["no_answer"]
        embed.description = no_match_text(result)
        return limits.fit_embed(embed)
    status = "conflict" if result.conflict else "answered"
    embed.colour = COLOURS[status]
    embed.description = FACT_HEADINGS[status]
    room = limits.EMBED_TOTAL - len(embed) - 100
    for block in card_blocks(result, room, quotes=True):
        embed.add_field(name=block.name, value=block.value, inline=False)
    return limits.fit_embed(embed)


def fact_message(result: FactLookup) -> OutgoingMessage:
    return OutgoingMessage(embed=fact_embed(result))


def sources_message(sources: list[SourceInfo]) -> OutgoingMessage:
    """One field per source (Discord allows 25; the rest are named in a last field), each
    field trimmed to its share of the 6,000-character total."""
    embed = discord.Embed(
        title="Sources",
        description=f"Answers quote only these {len(sources)} documents.",
        colour=discord.Colour.blurple(),
    )
    shown = sources if len(sources) <= limits.FIELDS else sources[: limits.FIELDS - 1]
    rest = sources[len(shown) :]
    room = (limits.EMBED_TOTAL - 200) // (len(shown) + bool(rest))
    for s in shown:
        name = limits.trim(escape(s.title), min(limits.FIELD_NAME, room // 3))
        embed.add_field(
            name=name,
            value=_source_value(s, min(limits.FIELD_VALUE, room - len(name))),
            inline=False,
        )
    if rest:
        name = f"…and {len(rest)} more"
        listed = ", ".join(escape(s.title) for s in rest)
        embed.add_field(name=name, value=limits.trim(listed, min(limits.FIELD_VALUE, room)))
    return OutgoingMessage(embed=limits.fit_embed(embed))


def _source_value(source: SourceInfo, limit: int) -> str:
    """Publisher, date and passages, then the file in code and the URL as a link; when that
    is too long, all of it as escaped text, trimmed (a cut code span or `<url>` would leave
    a backtick open or a truncated address live)."""
    head = f"{escape(source.publisher)} · {escape(source.date)} · {source.passages} passages"
    url = [source.url] if source.url else []
    value = "\n".join([head, code(source.file), *map(source_link, url)])
    if len(value) <= limit:
        return value
    return limits.trim("\n".join([head, escape(source.file), *map(escape, url)]), limit)


def source_link(url: str) -> str:
    """A source's URL as `<url>`, a link that shows its own address (never a masked link),
    when Discord accepts it; else as inert text."""
    return f"<{url}>" if usable_link(url) else escape(url)


def notice(text: str) -> OutgoingMessage:
    """A short plain message (refusals, confirmations) of the bot's own words; a notice that
    echoes a user's text is built by `echoing`, which escapes it."""
    return OutgoingMessage(content=limits.trim(text, limits.CONTENT))


def echoing(template: str, *texts: str) -> OutgoingMessage:
    """A notice of the bot's own words (`template`, with a `{}` per text) echoing user or
    source `texts`, each on one line, trimmed and escaped."""
    return notice(template.format(*(one_line(t, 300) for t in texts)))


def pinned_notice(question: str, refused_by_discord: bool) -> OutgoingMessage:
    """The moderator's confirmation of a pin, echoing the pinned question."""
    text = "Pinned. Later questions like “{}” get this answer first."
    if refused_by_discord:
        text += " Discord refused to pin the message itself (the channel may be at its limit)."
    return echoing(text, question)


def edited_notice(question: str, aliases: tuple[str, ...]) -> OutgoingMessage:
    """A moderator's confirmation of an edit: the curated answer's question and aliases now."""
    text = f"Changed. It answers “{one_line(question, 300)}”"
    if aliases:
        text += ", and also " + "; ".join(f"“{one_line(a, 100)}”" for a in aliases)
    return notice(text + ".")


def counted(count: int, noun: str) -> str:
    """ "1 curated answer", "3 curated answers"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
