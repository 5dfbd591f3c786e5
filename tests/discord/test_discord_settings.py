"""Settings from the environment and `.env`; a missing token is one clear line, exit 2."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.discord.settings import BotSettings, SettingsError, load_settings
from tests.paths import ROOT, SOURCES


def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in BotSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_missing_token_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    for token in (None, ""):
        if token is not None:
            env["DISCORD_TOKEN"] = token
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--sources", str(ROOT / "sources"), "run"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and ".env.example" in lines[0] and "DISCORD_TOKEN" in lines[0]
        assert "Traceback" not in done.stderr + done.stdout


def test_settings_come_from_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch)
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DISCORD_TOKEN=abc\nANSWER_CHANNEL_IDS=11, 22\nDEV_GUILD_ID=\nLOG_LEVEL=debug\n"
    )
    settings = load_settings(env_file)
    assert settings.discord_token == "abc"
    assert settings.answer_channel_ids == [11, 22]
    assert settings.dev_guild_id is None
    assert settings.log_level == "DEBUG"
    monkeypatch.setenv("DEV_GUILD_ID", "123")
    assert load_settings(env_file).dev_guild_id == 123


def test_bad_setting_names_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch)
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("ASK_COOLDOWN_RATE", "zero")
    with pytest.raises(SettingsError, match=r"ASK_COOLDOWN_RATE.*\.env\.example"):
        load_settings(None)


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = re.findall(r"^([A-Z_]+)=", text, re.M)
    assert sorted(listed) == sorted(name.upper() for name in BotSettings.model_fields)
    for name in listed:
        assert re.search(rf"#[^\n]*\n(#[^\n]*\n)*(\w+=[^\n]*\n)*{name}=", text), name


@pytest.mark.parametrize(
    ("database", "cache", "named"),
    [
        ("folder", "cache", ["DATABASE_PATH", "folder"]),  # DATABASE_PATH is a directory
        ("file/db.sqlite3", "cache", ["DATABASE_PATH", "file/db.sqlite3"]),  # folder impossible
        ("db.sqlite3", "file/cache", ["--cache", "QUOTEBOT_CACHE", "file/cache"]),
        ("db.sqlite3", None, ["--cache", "QUOTEBOT_CACHE", "file/sources-"]),
    ],
)
def test_unusable_database_or_cache_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    database: str,
    cache: str | None,
    named: list[str],
) -> None:
    """`run` with a database or index cache that cannot be opened: one line naming the
    setting and the path, exit 2, before anything connects."""
    clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("a file where a folder is expected")
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / database))
    monkeypatch.setenv("QUOTEBOT_CACHE", str(tmp_path / "file"))
    options = ["--cache", str(tmp_path / cache)] if cache else []
    assert main(["--sources", str(SOURCES), *options, "run"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for words in named:
        assert words in lines[0]
