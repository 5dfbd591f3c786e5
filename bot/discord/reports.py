"""Moderators' reports as Discord messages: the curated answers (paged), the answers members
rated, and the declined questions, shown or exported as a CSV or JSON file. Like `render`,
every part is escaped and trimmed here."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime

import discord

from bot.discord import controls, limits
from bot.discord.markdown import one_line
from bot.discord.render import Attachment, OutgoingMessage, counted
from bot.discord.store import Feedback, PinListing, Rated, Unanswered

PINS_PER_PAGE = 8
EXPORT_LIMIT = 8 * 1024 * 1024  # bytes: under Discord's smallest upload limit (10 MiB)
# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unanswered_message(rows: list[Unanswered], days: int) -> OutgoingMessage:
    """Declined questions, most frequent first: which sources are worth adding."""
    embed = discord.Embed(title=f"Unanswered questions, last {days} days")
    if not rows:
        embed.description = "No question was declined in that time."
    else:
        embed.description = "\n".join(
            f"**{r.count}×** {one_line(r.question, 300)} (last {r.last_asked[:10]})" for r in rows
        )
    return OutgoingMessage(embed=limits.fit_embed(embed))


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a `'` first."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def unanswered_csv(rows: list[Unanswered]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["question", "times_asked", "last_asked"])
    for r in rows:
        writer.writerow([spreadsheet_safe(r.question), r.count, r.last_asked])
    return out.getvalue().encode("utf-8")


def unanswered_json(rows: list[Unanswered], days: int, guild_id: int) -> bytes:
    body = {
        "guild_id": str(guild_id),
        "days": days,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "questions": [r.model_dump() for r in rows],
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")


def unanswered_export(
    rows: list[Unanswered], days: int, guild_id: int, fmt: str
) -> OutgoingMessage:
    """The declined questions as a file (`fmt` "csv" or "json"), most frequent first; rows
    past the upload limit are left out, and the note says how many."""
    kept = rows
    data = b""
    while True:
        data = unanswered_csv(kept) if fmt == "csv" else unanswered_json(kept, days, guild_id)
        if len(data) <= EXPORT_LIMIT or not kept:
            break
        kept = kept[: len(kept) * EXPORT_LIMIT // len(data) - 1]
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    note = (
        f"{counted(len(kept), 'declined question')} of the last {days} days, most frequent first."
    )
    if len(kept) < len(rows):
        note += f" The {len(rows) - len(kept)} least frequent did not fit in the file."
    return OutgoingMessage(
        content=note, files=[Attachment(f"unanswered-{guild_id}-{day}.{fmt}", data)]
    )


def page_count(total: int, per_page: int = PINS_PER_PAGE) -> int:
    return max(math.ceil(total / per_page), 1)


def _pin_value(pin: PinListing, room: int) -> str:
    lines = []
    if pin.aliases:
        lines.append("Also: " + " · ".join(one_line(a, 150) for a in pin.aliases))
    if pin.readable:
        titles = ", ".join(f"“{one_line(t, 80)}”" for t in pin.sources)
        lines.append(f"Quotes {titles}" if titles else "Quotes nothing")
    else:
        lines.append("⚠️ Its stored answer no longer reads: remove it with /answers remove.")
    made = f"Pinned by {one_line(pin.pinned_by_name, 80)} on {pin.pinned_at[:10]}"
    if pin.edited_by_name and pin.edited_at:
        made += f", edited by {one_line(pin.edited_by_name, 80)} on {pin.edited_at[:10]}"
    lines.append(made)
    return limits.lines_within(lines, min(room, limits.FIELD_VALUE))


def pinned_page(pins: list[PinListing], page: int, total: int) -> OutgoingMessage:
    """One page of the server's curated answers, with ◀ ▶ to the others."""
    pages = page_count(total)
    embed = discord.Embed(title="Curated answers", colour=discord.Colour.gold())
    if not pins:
        embed.description = (
            "No answer is curated in this server yet: a moderator pins one with the 📌 button "
            "or the Pin answer menu."
        )
    # Every pin of the page gets its share of the 6,000 characters, so none is dropped.
    room = (limits.EMBED_TOTAL - 400) // max(len(pins), 1)
    for n, pin in enumerate(pins, start=page * PINS_PER_PAGE + 1):
        name = f"{n}. {one_line(pin.question, min(200, room // 4))}"
        embed.add_field(name=name, value=_pin_value(pin, room - len(name)), inline=False)
    embed.set_footer(
        text=f"Page {page + 1} of {pages} · {counted(total, 'curated answer')} · "
        "change one with /answers edit, remove one with /answers remove"
    )
    view = None
    if pages > 1:
        view = discord.ui.View(timeout=None)
        view.add_item(controls.page_button(page - 1, "prev", disabled=page == 0))
        view.add_item(controls.page_button(page + 1, "next", disabled=page >= pages - 1))
    return OutgoingMessage(embed=limits.fit_embed(embed), view=view)


def _rated_line(r: Rated) -> str:
    return f"**{r.down}👎 {r.up}👍** {one_line(r.question, 200)} (last vote {r.last_vote[:10]})"


def feedback_message(feedback: Feedback) -> OutgoingMessage:
    """The answers members rated worst (to fix: pin a better one, or add a source) and best."""
    embed = discord.Embed(title="Answers rated by members", colour=discord.Colour.blurple())
    if not feedback.worst and not feedback.best:
        embed.description = "No answer has been rated in this server yet."
    for name, rated in (("Most 👎", feedback.worst), ("Most 👍", feedback.best)):
        if rated:
            embed.add_field(
                name=name,
                value=limits.lines_within([_rated_line(r) for r in rated], limits.FIELD_VALUE),
                inline=False,
            )
    return OutgoingMessage(embed=limits.fit_embed(embed))
