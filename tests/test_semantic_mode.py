"""The mode switch: `--semantic on|off`, else QUOTEBOT_SEMANTIC, else on; a model that cannot
load is one warning and a lexical engine, never a failure; lexical never imports onnxruntime."""

from __future__ import annotations

import subprocess
import sys

import pytest

import index.semantic as semantic
from bot.cli import main
from bot.loader import load_engine
from index.encoder import EncoderUnavailable
from index.semantic import SEMANTIC_ENV, choose_mode
from tests.paths import ROOT, SOURCES


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--sources", str(SOURCES), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def broken_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail() -> None:
        raise EncoderUnavailable("index/encoder/model.int8.onnx is missing")

    monkeypatch.setattr(semantic, "shipped_encoder", fail)


def test_the_command_line_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SEMANTIC_ENV, "on")
    mode = choose_mode(False)
    assert mode.encoder is None and "lexical" in mode.status and "--semantic off" in mode.status
    monkeypatch.setenv(SEMANTIC_ENV, "off")
    assert choose_mode(True).encoder is not None


def test_the_environment_then_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SEMANTIC_ENV, "OFF")
    assert choose_mode().encoder is None and "QUOTEBOT_SEMANTIC=off" in choose_mode().status
    monkeypatch.delenv(SEMANTIC_ENV)
    mode = choose_mode()
    assert mode.encoder is not None and mode.warning is None and "semantic" in mode.status
    monkeypatch.setenv(SEMANTIC_ENV, "maybe")
    mode = choose_mode()
    assert mode.encoder is not None and "'maybe' is neither on nor off" in (mode.warning or "")


def test_a_model_that_cannot_load_means_lexical_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    broken_model(monkeypatch)
    engine, notes = load_engine(SOURCES, tmp_path, semantic=True)
    assert engine.retriever.vectors is None and engine.retriever.encoder is None
    assert notes == [
        "semantic search is off, answering lexically: index/encoder/model.int8.onnx is missing"
    ]
    assert engine.ask("How many detainer requests did Boston police ignore?").snippets


def test_cli_says_which_mode_and_why(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "--semantic", "off", "sources")
    assert code == 0 and out.splitlines()[-1] == "mode: lexical (BM25 only; --semantic off)"
    code, out, _ = run(capsys, "--semantic", "on", "index")
    assert code == 0 and "sentence vectors" in out and "mode: semantic" in out
    assert " 0 sentence vectors" not in out
    broken_model(monkeypatch)
    code, out, err = run(capsys, "--semantic", "on", "index")
    assert code == 0 and " 0 sentence vectors" in out
    assert "model.int8.onnx is missing" in out.splitlines()[-1]
    assert err.count("model.int8.onnx is missing") == 1 and "Traceback" not in err


def test_a_bad_switch_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--semantic", "maybe", "sources"])
    assert caught.value.code == 2
    assert "expected on or off" in capsys.readouterr().err


# What a lexical one-shot `ask` does not need: the encoder's runtime, discord.py (and its
# aiohttp), and numba (`top` answers with NumPy until it has spent a second: index/scorer.py).
HEAVY = ("onnxruntime", "tokenizers", "discord", "aiohttp", "numba")


def test_lexical_start_up_never_imports_a_heavy_module(tmp_path) -> None:
    script = (
        "import sys; from bot.cli import main; "
        f"main(['--sources', {str(SOURCES)!r}, '--cache', {str(tmp_path)!r}, "
        "'--semantic', 'off', 'ask', 'How many detainer requests?']); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]"
