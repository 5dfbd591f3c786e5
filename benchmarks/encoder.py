"""The semantic layer's costs: query encoding, sentence encoding, int8 vs fp32, nearest search,
`python -m bot ask` start-up, and the installed size it adds. Outside the tests.

    python benchmarks/encoder.py [--data ../shared/benchmarks/xquad-en] [--fp32 DIR]
                                 [--rounds 5] [--skip ask,size,...]

Sentences are the XQuAD articles' quotable sentences as the index holds them; queries are
XQuAD's questions. The machine may be shared: every timing is the median of `--rounds` rounds,
peers measured in the same rounds, interleaved. `--fp32 DIR` is a folder written by
`scripts/export_model.py --keep-fp32 DIR` (the unquantized model), for the agreement figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from index.encoder import MODEL_DIR, Encoder, load_encoder
from index.ingest import read_sources
from index.store import build_index
from index.vectors import SentenceVectors, quantize, sentence_texts

ROOT = Path(__file__).resolve().parents[1]
# Questions whose answer is in a table row of sources/ (written for this benchmark, worded
# unlike the row's label), with the eval set's answerable questions, for the table figures.
TABLE_QUESTIONS = [
    {"question": "What share of the requests did the police ignore?", "answers": ["100%"]},
    {"question": "Which official confirmed the policy?", "answers": ["Cox"]},
    {"question": "What gives the police the authority not to comply?", "answers": ["Trust Act"]},
    {"question": "How long did the refusals go on?", "answers": ["Throughout 2025"]},
    {"question": "What kind of requests were refused?", "answers": ["civil immigration"]},
    {"question": "How many requests went unanswered in 2025?", "answers": ["57"]},
]
SECTIONS = ("query", "throughput", "agreement", "tables", "nearest", "ask", "size")


def median_of(rounds: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    values = [measure() for _ in range(rounds)]
    return statistics.median(values), values


def query_latency(encoders: dict[int, Encoder], questions: list[str], rounds: int) -> None:
    print("== query encoding (encode_query, one question at a time)")
    per: dict[int, list[list[float]]] = {t: [] for t in encoders}
    for _ in range(rounds):
        for threads, encoder in encoders.items():
            times = []
            for q in questions:
                start = time.perf_counter()
                encoder.encode_query(q)
                times.append(time.perf_counter() - start)
            per[threads].append(times)
    for threads, runs in per.items():
        p50 = statistics.median(float(np.percentile(r, 50)) * 1000 for r in runs)
        p99 = statistics.median(float(np.percentile(r, 99)) * 1000 for r in runs)
        print(f"{threads} thread(s): p50 {p50:.2f} ms, p99 {p99:.2f} ms ({len(questions)} queries)")


def throughput(encoders: dict[int, Encoder], sentences: list[str], rounds: int) -> None:
    """`Encoder.encode` (each sentence alone, on 1 or 2 threads) against the peer it replaced:
    padded batches of 16, sorted by length, one run of 2 threads each; and how far a batched
    vector is from the sentence's own."""
    print(f"== sentence encoding ({len(sentences)} sentences)")
    peers: dict[str, Callable[[], np.ndarray]] = {
        f"alone, {threads} thread(s)": lambda e=encoder: e.encode(sentences)
        for threads, encoder in encoders.items()
    }
    peers["padded batches of 16, 2 threads a run (before)"] = lambda: batched(
        encoders[2], sentences, 16
    )
    results: dict[str, list[float]] = {name: [] for name in peers}
    for _ in range(rounds):  # interleaved, so that the machine's load falls on every peer
        for name, run in peers.items():
            start = time.perf_counter()
            run()
            results[name].append(len(sentences) / (time.perf_counter() - start))
    for name, values in results.items():
        spread = f"{min(values):.0f}-{max(values):.0f}"
        print(f"{name}: {statistics.median(values):.0f} sentences/s ({spread})")
    cos = np.sum(encoders[2].encode(sentences) * batched(encoders[2], sentences, 16), axis=1)
    print(
        f"batched vector vs the sentence's own: cosine median {np.median(cos):.4f}, "
        f"min {cos.min():.4f}"
    )


def batched(encoder: Encoder, sentences: list[str], size: int) -> np.ndarray:
    """Vectors as the encoder made them before each sentence ran alone: sorted by token count,
    `size` at a time, padded to the batch's longest, with a two-thread session."""
    session = load_session(2)
    ids = [e.ids for e in encoder._tokenizer.encode_batch(sentences)]
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.empty((len(sentences), encoder.dim), dtype=np.float32)
    for start in range(0, len(order), size):
        batch = order[start : start + size]
        width = len(ids[batch[-1]])
        rows = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(rows)
        for row, i in enumerate(batch):
            rows[row, : len(ids[i])] = ids[i]
            mask[row, : len(ids[i])] = 1
        (vectors,) = session.run(None, {"input_ids": rows, "attention_mask": mask})
        out[batch] = vectors
    return out


def load_session(threads: int) -> Any:
    """An onnxruntime session over the shipped model with `threads` intra-op threads."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(
        str(MODEL_DIR / "model.int8.onnx"), options, providers=["CPUExecutionProvider"]
    )


def agreement(int8: Encoder, fp32: Encoder, sentences: list[str], items: list[dict]) -> None:
    print("== int8 vs fp32")
    a, b = int8.encode(sentences), fp32.encode(sentences)
    cos = np.sum(a * b, axis=1)
    print(
        f"sentence vectors: cosine median {np.median(cos):.4f}, 5th percentile "
        f"{np.percentile(cos, 5):.4f}, min {cos.min():.4f}"
    )
    lower = [s.lower() for s in sentences]
    hits = {"int8": 0, "fp32": 0}
    same = 0
    for item in items:
        best = {}
        for name, encoder, vectors in (("int8", int8, a), ("fp32", fp32, b)):
            best[name] = int(np.argmax(vectors @ encoder.encode_query(item["question"])))
            hits[name] += any(ans.lower() in lower[best[name]] for ans in item["answers"])
        same += best["int8"] == best["fp32"]
    n = len(items)
    print(
        f"nearest sentence holds a gold answer: int8 {hits['int8'] / n:.3f}, "
        f"fp32 {hits['fp32'] / n:.3f}; same nearest sentence {same / n:.3f} ({n} questions)"
    )


def tables(encoder: Encoder) -> None:
    """Table rows encoded with their pipes or without, on tests/questions.jsonl."""
    print("== table rows: pipes kept or replaced (nearest sentence, tests/questions.jsonl)")
    retriever = build_index(read_sources(ROOT / "sources"))
    table = retriever.table
    piped = sentence_texts(table, retriever.texts)  # as the index encodes them
    is_row = [table.kinds[k] == "table" for k in table.sentences[:, 3].tolist()]
    spaced = [
        " ".join(c.strip() for c in text.strip().strip("|").split("|")) if row else text
        for text, row in zip(piped, is_row, strict=True)
    ]
    items = [json.loads(line) for line in (ROOT / "tests" / "questions.jsonl").open()]
    sets = {"eval set": [i for i in items if i.get("answers")], "table questions": TABLE_QUESTIONS}
    for name, texts in (("pipes kept", piped), ("pipes replaced", spaced)):
        vectors = encoder.encode(texts)
        for set_name, questions in sets.items():
            right = rows_first = 0
            for item in questions:
                best = int(np.argmax(vectors @ encoder.encode_query(item["question"])))
                right += any(a.lower() in texts[best].lower() for a in item["answers"])
                rows_first += is_row[best]
            print(
                f"{name}, {set_name}: nearest sentence holds the answer "
                f"{right}/{len(questions)}, a table row is nearest for {rows_first}"
            )


def nearest(rounds: int, n: int) -> None:
    """Random unit vectors: a brute-force scan costs the same whatever the vectors hold."""
    print(f"== nearest sentences, brute force over {n:,} int8 vectors (k=50, random rows)")
    rng = np.random.default_rng(0)
    rows = rng.standard_normal((n, 384)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as folder:
        codes, scales = quantize(rows)
        np.save(Path(folder) / "codes.npy", codes)
        vectors = SentenceVectors(
            "bench", np.asarray(np.load(Path(folder) / "codes.npy", mmap_mode="r")), scales
        )
        queries = rows[rng.choice(n, 100, replace=False)]
        times: list[float] = []
        for _ in range(rounds):
            for q in queries:
                start = time.perf_counter()
                vectors.nearest(q, 50)
                times.append(time.perf_counter() - start)
    print(
        f"p50 {np.percentile(times, 50) * 1000:.1f} ms, p99 {np.percentile(times, 99) * 1000:.1f}"
        f" ms; {codes.nbytes / 1e6:.1f} MB of vectors + {scales.nbytes / 1e6:.1f} MB of scales"
    )


def ask_wall(rounds: int) -> None:
    print("== python -m bot ask over a saved index (sources/), start to exit")
    question = "Which share of ICE requests did Boston cops refuse?"
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "QUOTEBOT_CACHE": cache}
        for switch in ("on", "off"):  # build both once: every timed run finds its index
            _bot(env, "--semantic", switch, "index")
        walls: dict[str, list[float]] = {"on": [], "off": []}
        for _ in range(rounds):
            for switch in walls:
                start = time.perf_counter()
                _bot(env, "--semantic", switch, "ask", question)
                walls[switch].append(time.perf_counter() - start)
    for switch, values in walls.items():
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"--semantic {switch}: median {statistics.median(values):.2f} s ({runs})")


def _bot(env: dict[str, str], *argv: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", *argv], cwd=ROOT, env=env, check=True, capture_output=True
    )


def installed_size() -> None:
    """Disk used by onnxruntime, tokenizers and the packages only they pull in, and the model."""
    print("== installed size added")
    base = _closure(["quotebot"], skip={"onnxruntime", "tokenizers"})
    added = _closure(["onnxruntime", "tokenizers"]) - base
    sizes = {name: _size(name) for name in sorted(added)}
    model = sum(f.stat().st_size for f in (ROOT / "index" / "encoder").iterdir() if f.is_file())
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"  {name}: {size / 1e6:.1f} MB")
    print(f"packages {sum(sizes.values()) / 1e6:.1f} MB + model files {model / 1e6:.1f} MB")


def _closure(roots: list[str], skip: frozenset[str] | set[str] = frozenset()) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen or name in skip:
            continue
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        seen.add(name)
        for req in requires:
            if "extra ==" in req:
                continue
            todo.append(req.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0])
            todo[-1] = todo[-1].split("!")[0].split("~")[0].strip()
    return seen


def _size(name: str) -> int:
    files = metadata.distribution(name).files or []
    return sum(f.locate().stat().st_size for f in files if Path(f.locate()).is_file())


def xquad_sentences(data: Path) -> list[str]:
    retriever = build_index(read_sources(data / "sources"))
    return sentence_texts(retriever.table, retriever.texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks/xquad-en"))
    parser.add_argument("--fp32", type=Path, help="folder of the fp32 model (export script)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sentences", type=int, default=600, help="for the throughput figures")
    parser.add_argument("--skip", default="", help=f"comma-separated, of {','.join(SECTIONS)}")
    parser.add_argument(
        "--nearest-rows",
        type=int,
        nargs="+",
        default=[100_000, 400_000],
        help="sentence counts to time the nearest search over (100k passages hold about 400k)",
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    items = [json.loads(line) for line in (args.data / "questions.jsonl").open()]
    encoders = {threads: load_encoder(threads=threads) for threads in (1, 2)}
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    if "query" not in skip:
        query_latency(encoders, [i["question"] for i in items[:200]], args.rounds)
    if {"throughput", "agreement"} - skip:
        sentences = xquad_sentences(args.data)
        sample = [sentences[i] for i in np.random.default_rng(0).permutation(len(sentences))]
        if "throughput" not in skip:
            throughput(encoders, sample[: args.sentences], args.rounds)
        if "agreement" not in skip and args.fp32:
            agreement(encoders[2], load_encoder(args.fp32, threads=2), sentences, items)
    if "tables" not in skip:
        tables(encoders[2])
    if "nearest" not in skip:
        for n in args.nearest_rows:
            nearest(args.rounds, n)
    if "ask" not in skip:
        ask_wall(args.rounds)
    if "size" not in skip:
        installed_size()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
