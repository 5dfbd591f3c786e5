"""Settings from the environment and `.env`; a missing token is one clear line, exit 2."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from discord.http import Route

from bot.cli import main
from bot.discord.settings import BotSettings, SettingsError, load_settings
from bot.discord.store import Store
from tests.discord.fake_discord import TOKEN, FakeDiscord
from tests.discord.harness import cli_against_fake
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
    assert settings.discord_token.get_secret_value() == "abc"
    assert "abc" not in repr(settings)
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
    ("database", "words"),
    [
        ("folder", "is a folder"),  # DATABASE_PATH is a directory
        ("file/db.sqlite3", "cannot create the folder"),  # a file where its folder should be
    ],
)
def test_unusable_database_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    database: str,
    words: str,
) -> None:
    """`run` with a database that cannot be opened: one line naming the setting and the
    path, exit 2, before the index is loaded or anything connects."""
    clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("a file where a folder is expected")
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / database))
    assert main(["--sources", str(SOURCES), "--cache", str(tmp_path / "cache"), "run"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: DATABASE_PATH: {tmp_path / database}")
    assert words in lines[0]
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("nothing listening", "Connection refused"),
        ("no such database", 'database "missing" does not exist'),
        ("no port", 'invalid integer value "notaport"'),
    ],
)
def test_unusable_database_url_is_one_line(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    caplog: pytest.LogCaptureFixture,
    case: str,
    words: str,
) -> None:
    """`run` with a PostgreSQL it cannot use: one line naming DATABASE_URL (its password
    left out) and why, exit 2, before the index is loaded. The pool alone only said it timed
    out, after 10 s of logged warnings of several lines each."""
    if case == "nothing listening":
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            url = f"postgresql://quotebot:secretpw@127.0.0.1:{free.getsockname()[1]}/db"
    elif case == "no such database":
        url = request.getfixturevalue("pg_cluster").url("missing")
        url = url.replace("quotebot@", "quotebot:secretpw@")
    else:
        url = "postgresql://quotebot:secretpw@127.0.0.1:notaport/db"
    clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["--sources", str(SOURCES), "--cache", str(tmp_path / "cache"), "run"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: DATABASE_URL: postgresql://quotebot@127.0.0.1:")
    assert words in lines[0] and "secretpw" not in lines[0]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not (tmp_path / "cache").exists()


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) cannot be written while inside this block. Permission bits
    do not stop root, so as root the file is made immutable (`chattr +i`) instead."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("running as root where chattr +i is not allowed")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("read-only file", "cannot be written"),  # SQLite opens it read-only without a word
        ("read-only folder", "unable to open"),  # no room for the -wal and -shm files
        ("new file in a read-only folder", "unable to open"),
    ],
)
def test_database_that_cannot_be_written_stops_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    case: str,
    words: str,
) -> None:
    """A database that opens but refuses writes would fail every answer later: `run` stops
    at start with one line naming DATABASE_PATH, exit 2, and the database is untouched."""
    clean_env(monkeypatch)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data"
    folder.mkdir()
    database = folder / ("new.sqlite3" if case.startswith("new") else "bot.sqlite3")
    if not case.startswith("new"):
        Store(database).close()
    before = database.read_bytes() if database.exists() else None
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setattr(Route, "BASE", "http://127.0.0.1:9/api/v10")  # never the real Discord
    with read_only(folder if "folder" in case else database):
        code = main(["--sources", str(SOURCES), "--cache", str(tmp_path / "cache"), "run"])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: DATABASE_PATH: {database}")
    assert words in lines[0]
    assert (database.read_bytes() if database.exists() else None) == before
    assert not (tmp_path / "cache").exists()


def run_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> str:
    """`python -m bot run` in-process, pointed nowhere real; its one stderr line, exit 2."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db.sqlite3"))
    monkeypatch.setattr(Route, "BASE", "http://127.0.0.1:9/api/v10")  # never the real Discord
    code = main(["--sources", str(SOURCES), "--cache", str(tmp_path / "cache"), "run"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = captured.err.strip().splitlines()
    assert code == 2 and len(lines) == 1, (code, lines)
    return lines[0]


@pytest.mark.parametrize("days", ["inf", "1e9", "1e6", "nan"])
def test_retention_no_date_can_hold_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, days: str
) -> None:
    """DECLINED_RETENTION_DAYS past what a server may choose crashed at start (`OverflowError`
    computing the oldest date kept): it is refused like any invalid setting."""
    clean_env(monkeypatch)
    monkeypatch.setenv("DISCORD_TOKEN", "abc")
    monkeypatch.setenv("DECLINED_RETENTION_DAYS", days)
    line = run_once(tmp_path, monkeypatch, capsys)
    assert "DECLINED_RETENTION_DAYS is invalid" in line and ".env.example" in line


def test_dotenv_not_utf8_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    clean_env(monkeypatch)
    (tmp_path / ".env").write_bytes(b"DISCORD_TOKEN=abc\n# caf\xe9 in Latin-1\nLOG_LEVEL=INFO\n")
    line = run_once(tmp_path, monkeypatch, capsys)
    assert line == "error: .env: line 2 is not valid UTF-8 (byte 23); save the file as UTF-8."


@pytest.mark.parametrize(
    ("token", "words"),
    [
        ("abc\ndef", "line breaks"),
        ("abc def", "spaces"),
        ("a" * 8192, "8192 characters"),
    ],
)
def test_token_that_cannot_be_one_is_refused_before_login(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    token: str,
    words: str,
) -> None:
    """A token with a line break or 8 KB long escaped as a raw exception (it cannot even be
    sent as a header); it is refused at start, and the token itself is never printed."""
    clean_env(monkeypatch)
    monkeypatch.setenv("DISCORD_TOKEN", token)
    line = run_once(tmp_path, monkeypatch, capsys)
    assert "DISCORD_TOKEN is invalid" in line and words in line and "Developer Portal" in line
    assert "abc" not in line and "aaaa" not in line


def test_token_pasted_with_a_newline_works(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_env(monkeypatch)
    monkeypatch.setenv("DISCORD_TOKEN", " abc.DEF-1_x\n")
    assert load_settings(None).discord_token.get_secret_value() == "abc.DEF-1_x"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (403, "Discord refused DISCORD_TOKEN (HTTP 403)"),
        (429, "rate-limiting this bot (HTTP 429)"),
        (503, "Discord is unavailable (HTTP 503); try again later"),
        (400, "Discord refused to log in (HTTP 400"),
    ],
)
def test_login_refused_otherwise_than_401_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    status: int,
    words: str,
) -> None:
    """Only a 401 was told in a line; 403, 429, 503 escaped as discord.py's exceptions."""
    clean_env(monkeypatch)
    fake = FakeDiscord()
    fake.login_status = status
    code = cli_against_fake(fake, tmp_path, monkeypatch, "run", DISCORD_TOKEN=TOKEN)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2 and len(lines) == 1, lines
    assert words in lines[0] and "Traceback" not in captured.err
