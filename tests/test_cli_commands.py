"""Every `python -m bot` command runs once as a user runs it: a process of its own, over a
copy of sources/ whose index is already saved (answers then come from memory-mapped files,
the path `facts suggest` once crashed on), and ends as it should, never with a traceback."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser
from tests.paths import ROOT, SOURCES

QUESTION = "How many detainer requests did Boston police ignore in 2025?"
# Each command and subcommand, with arguments, what it reads on stdin, and the exit code it
# ends with when run without Discord settings (run and sync need a token: one line, code 2).
COMMANDS: dict[str, tuple[list[str], str, int]] = {
    "ask": (["ask", QUESTION], "", 0),
    "ask --json": (["ask", QUESTION, "--json"], "", 0),
    "ask --jsonl": (["ask", "--jsonl"], f"{QUESTION}\nwho is the commissioner?\n", 0),
    "ask --format discord": (["ask", QUESTION, "--format", "discord"], "", 0),
    "ask --explain": (["ask", QUESTION, "--explain"], "", 0),
    "sources": (["sources"], "", 0),
    "sources --json": (["sources", "--json"], "", 0),
    "sources init": (["sources", "init"], "", 0),
    "index": (["index"], "", 0),
    "chat": (["chat"], f"{QUESTION}\n\n", 0),
    "fact": (["fact", "detainer requests ignored"], "", 0),
    "facts suggest": (["facts", "suggest"], "", 0),
    "facts check": (["facts", "check"], "", 0),
    "eval": (["eval", str(ROOT / "tests" / "questions.jsonl")], "", 0),
    "preview": (["preview", "help"], "", 0),
    "run": (["run"], "", 2),
    "sync": (["sync"], "", 2),
}


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    """The parser's commands and subcommands, as `COMMANDS` names them."""
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix}{name} ")
                found |= nested or {f"{prefix}{name}"}
    return found


def test_every_command_has_a_case() -> None:
    named = {name.split(" --")[0] for name in COMMANDS}
    assert _commands(build_parser()) <= named


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of sources/ without its sources.toml (so `sources init` has work) and its index
    saved, and the environment of a user with no Discord settings."""
    sources = tmp_path_factory.mktemp("cli") / "sources"
    shutil.copytree(SOURCES, sources)
    (sources / "sources.toml").unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD", "QUOTEBOT"))}
    env |= {
        "QUOTEBOT_CACHE": str(tmp_path_factory.mktemp("cli-cache")),
        "QUOTEBOT_SEMANTIC": "off",
        "HOME": str(tmp_path_factory.mktemp("home")),  # no ~/.env, no user cache
    }
    built = _run(["index"], "", sources, env)
    assert built.returncode == 0, built.stderr
    return sources, env


def _run(
    argv: list[str], stdin: str, sources: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--sources", str(sources), *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=sources.parent,
        timeout=300,
    )


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_runs_over_sources(name: str, folder: tuple[Path, dict[str, str]]) -> None:
    sources, env = folder
    argv, stdin, code = COMMANDS[name]
    done = _run(argv, stdin, sources, env)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, done.stderr
    if code == 0:
        assert done.stdout.strip(), "a command that succeeds says something"
    else:
        errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
        assert len(errors) == 1, done.stderr
