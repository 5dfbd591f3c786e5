"""`python -m bot preview KIND`: every message the README shows, printed as the bot would send
it, and each one Discord would accept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.discord.previews import PREVIEWS
from tests.discord.fake_discord import choices_problems, message_problems
from tests.discord.harness import pings_no_one
from tests.paths import SOURCES


@pytest.mark.parametrize("kind", list(PREVIEWS))
def test_every_preview_is_a_message_discord_accepts(
    kind: str, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture
) -> None:
    cache = tmp_path_factory.getbasetemp() / "preview-cache"
    assert main(["--sources", str(SOURCES), "--cache", str(cache), "preview", kind]) == 0
    printed = json.loads(capsys.readouterr().out)
    if kind == "fact-choices":
        assert printed["choices"] and choices_problems(printed["choices"]) == []
        return
    files = printed.pop("attachment_contents", {})
    assert message_problems(printed) == [] and pings_no_one(printed)
    assert [a["filename"] for a in printed.get("attachments", [])] == list(files)
    if kind == "unanswered-csv":  # a spreadsheet shows the cell; JSON keeps the text as is
        assert "'=HYPERLINK" in next(iter(files.values()))
    if kind == "forum":
        ids = [c.get("custom_id") for row in printed["components"] for c in row["components"]]
        assert "quotebot:solved" in ids


def test_a_preview_answers_the_question_given(
    capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    question = "Who is the Boston police commissioner?"
    args = ["--sources", str(SOURCES), "--cache", str(tmp_path), "preview", "private", question]
    assert main(args) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["embeds"][0]["title"] == question
