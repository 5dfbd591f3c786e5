"""The shipped sentence encoder: vectors that carry meaning, in input order, the fast query path
equal to a batch of one, and a one-line EncoderUnavailable for every way loading can fail."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest

import index.encoder as enc
from index.encoder import MODEL_DIR, SPEC_NAME, Encoder, EncoderUnavailable, load_encoder
from tests.paths import ROOT

SENTENCES = [
    "ICE spokeswoman Yolanda Choates wrote in an email that the agency would keep asking.",
    "The harbor master counted 31 sailboats in June.",
    "Boston police did not honor any of the detainer requests.",
    "Ferries ran hourly.",
    "The Boston Trust Act limits how city police work with federal immigration agents.",
]


def spec() -> dict[str, object]:
    return json.loads((MODEL_DIR / SPEC_NAME).read_text(encoding="utf-8"))


def test_vectors_are_unit_rows_in_input_order(encoder: Encoder) -> None:
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    alone = np.stack([encoder.encode_query(s) for s in SENTENCES])
    assert (np.argmax(vectors @ alone.T, axis=1) == np.arange(len(SENTENCES))).all()
    assert encoder.encode([]).shape == (0, 384)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_sentence_vector_is_its_question_vector_whatever_is_encoded_with_it(
    threads: int,
) -> None:
    """The int8 model scales a run's activations as a whole: batched, a sentence's vector
    moved with its batch-mates (cosine 0.986-0.994 with itself alone). Each runs alone, so
    it is the vector a question with its words gets, in any company and on any thread."""
    encoder = load_encoder(threads=threads)
    query = encoder.encode_query(SENTENCES[0])
    assert query.shape == (384,) and query.dtype == np.float32
    for company in ([], SENTENCES[1:], [" ".join(SENTENCES * 9)] * 3):
        assert np.array_equal(encoder.encode([SENTENCES[0], *company])[0], query)


def test_vectors_carry_meaning_not_shared_words(encoder: Encoder) -> None:
    vectors = encoder.encode(SENTENCES)
    paraphrases = {
        "who is the spokesperson?": 0,
        "how many boats were in the port?": 1,
        "what does the ordinance restrict?": 4,
    }
    for question, expected in paraphrases.items():
        assert int(np.argmax(vectors @ encoder.encode_query(question))) == expected, question


def test_long_text_is_truncated_not_refused(encoder: Encoder) -> None:
    long = " ".join(SENTENCES * 40)  # far past 256 tokens
    head = " ".join(SENTENCES * 12)  # also past 256 tokens: the same first 256
    assert np.allclose(encoder.encode_query(long), encoder.encode_query(head), atol=1e-5)


def test_fingerprint_is_the_model_files_sha256_and_how_it_runs(encoder: Encoder) -> None:
    digest = hashlib.sha256((MODEL_DIR / "model.int8.onnx").read_bytes()).hexdigest()
    assert digest == spec()["sha256"]["model.int8.onnx"]
    assert encoder.fingerprint == f"{digest}+{enc.RUN}"


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """The model folder, with the large ONNX file linked rather than copied."""
    folder = tmp_path / "encoder"
    folder.mkdir()
    for name in ("tokenizer.json", SPEC_NAME):
        shutil.copyfile(MODEL_DIR / name, folder / name)
    (folder / "model.int8.onnx").symlink_to(MODEL_DIR / "model.int8.onnx")
    return folder


def unavailable(folder: Path) -> str:
    with pytest.raises(EncoderUnavailable) as caught:
        load_encoder(folder)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_copy_loads(model_copy: Path) -> None:
    assert load_encoder(model_copy).encode_query("harbor").shape == (384,)


def test_missing_file_is_named(model_copy: Path) -> None:
    (model_copy / "model.int8.onnx").unlink()
    assert "model.int8.onnx is missing" in unavailable(model_copy)
    (model_copy / SPEC_NAME).unlink()
    assert f"{SPEC_NAME} is missing" in unavailable(model_copy)


def test_changed_file_fails_its_checksum(model_copy: Path) -> None:
    tokenizer = model_copy / "tokenizer.json"
    tokenizer.write_bytes(tokenizer.read_bytes().replace(b"[UNK]", b"[UNX]", 1))
    assert "tokenizer.json does not match its SHA-256" in unavailable(model_copy)


def test_unreadable_spec_is_named(model_copy: Path) -> None:
    (model_copy / SPEC_NAME).write_text("{not json", encoding="utf-8")
    assert f"{SPEC_NAME}: unreadable" in unavailable(model_copy)


def test_a_dim_that_is_not_the_models_is_named(model_copy: Path) -> None:
    """model.json is not checksummed itself: with `dim` 256 for a model of 384 the encoder
    loaded, and every encoding failed ("could not broadcast input array")."""
    data = spec()
    data["dim"] = 256
    (model_copy / SPEC_NAME).write_text(json.dumps(data), encoding="utf-8")
    message = unavailable(model_copy)
    assert "gives dim 256, but model.int8.onnx makes vectors of 384 components" in message


def test_damaged_model_with_its_checksum_cannot_load(model_copy: Path) -> None:
    """A file whose checksum was updated but which onnxruntime rejects."""
    model = model_copy / "model.int8.onnx"
    model.unlink()
    model.write_bytes(b"not an onnx model")
    data = spec()
    data["sha256"]["model.int8.onnx"] = hashlib.sha256(b"not an onnx model").hexdigest()
    (model_copy / SPEC_NAME).write_text(json.dumps(data), encoding="utf-8")
    assert "cannot load" in unavailable(model_copy)


def test_missing_runtime_is_named(model_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import now raises ImportError
    assert "onnxruntime is not installed" in unavailable(model_copy)


def test_thread_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(enc.THREADS_ENV, raising=False)
    assert 1 <= enc.default_threads() <= 2
    monkeypatch.setenv(enc.THREADS_ENV, "1")
    assert enc.default_threads() == 1
    monkeypatch.setenv(enc.THREADS_ENV, "two")
    with pytest.raises(EncoderUnavailable, match="QUOTEBOT_ENCODER_THREADS"):
        enc.default_threads()


def test_model_files_are_package_data_with_their_checksums_in_the_readme() -> None:
    """A non-editable install carries every file loading needs; the README's table is true."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["index.encoder"]
    data = spec()
    needed = [SPEC_NAME, "LICENSE", *data["sha256"]]
    assert all(any(fnmatch(name, p) for p in patterns) for name in needed)
    readme = (MODEL_DIR / "README.md").read_text(encoding="utf-8")
    for name, digest in data["sha256"].items():
        assert f"`{name}`" in readme and digest in readme, name
    assert data["package"] in readme and data["model_id"] in readme


def test_loading_and_encoding_write_nothing_in_the_users_home(tmp_path: Path) -> None:
    """onnxruntime 1.29 and later write a telemetry device id and an event store under
    ~/.cache/Microsoft at import (and may upload them): the pinned 1.28 writes nothing."""
    home = tmp_path / "home"
    home.mkdir()
    script = "from index.encoder import load_encoder; load_encoder().encode_query('hi')"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "HOME": str(home)},
        cwd=Path(__file__).parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert list(home.rglob("*")) == []
