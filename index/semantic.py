"""Semantic or lexical: which the index is built and searched in, and why.

Semantic (the default) adds a vector per sentence, from the encoder shipped in index/encoder/.
Lexical is BM25 alone: for a huge corpus, a minimal install, or when the model cannot load. It
is chosen by `--semantic off` on the command line, else by QUOTEBOT_SEMANTIC=off in the
environment. A model that cannot load is not an error: the bot warns in one line and answers
lexically. Lexical mode never imports onnxruntime.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.encoder import Encoder

SEMANTIC_ENV = "QUOTEBOT_SEMANTIC"
SWITCH = {"on": True, "off": False}


@dataclass(frozen=True)
class Mode:
    """The encoder to build and search with (None: lexical), a status line for `sources` and
    `index`, and a warning to show when semantic was wanted but could not be had."""

    encoder: Encoder | None
    status: str
    warning: str | None = None


def choose_mode(semantic: bool | None = None) -> Mode:
    """`semantic` from the command line, else QUOTEBOT_SEMANTIC (on or off), else on."""
    warning = None
    if semantic is None:
        value = os.environ.get(SEMANTIC_ENV, "").strip().lower()
        if value in SWITCH:
            semantic = SWITCH[value]
            origin = f"{SEMANTIC_ENV}={value}"
        else:
            semantic = True
            if value:
                warning = f"{SEMANTIC_ENV}={value!r} is neither on nor off; semantic stays on"
            origin = "default"
    else:
        origin = f"--semantic {'on' if semantic else 'off'}"
    if not semantic:
        return Mode(None, f"mode: lexical (BM25 only; {origin})", warning)
    from index.encoder import EncoderUnavailable

    try:
        encoder = shipped_encoder()
    except EncoderUnavailable as exc:
        reason = f"semantic search is off, answering lexically: {exc}"
        return Mode(None, f"mode: lexical ({reason})", reason)
    return Mode(encoder, "mode: semantic (BM25 + all-MiniLM-L6-v2 sentence vectors)", warning)


@cache
def shipped_encoder() -> Encoder:
    """The encoder in index/encoder/, loaded once per process (a failure is retried)."""
    from index.encoder import load_encoder

    return load_encoder()
