"""Retrieval on passages of real sentences: quotebot against rank_bm25, bm25s and tantivy.

    python benchmarks/realtext.py [--data ../shared/benchmarks] [--paragraphs 88000]
                                  [--queries 300] [--seed 11] [--work DIR [--reuse]]

The corpus: sentences of the Vaswani/NPL abstracts (each abstract's title and body, which carry
no punctuation of their own, become sentences) and of the 48 XQuAD English articles, drawn at
random (seeded) into paragraphs of 3–6 sentences, 200 paragraphs a source file. Ingestion cuts
them into the project's passages (at most 4 sentences, short ones merged), about 1.1 passages
a paragraph. Queries: 300 of 3–6 content words (stopwords left out) drawn (seeded) from the
words of a random paragraph, and separately the 1,190 real XQuAD questions. Unlike
benchmarks/retrieval.py's made-up words, real sentences share common words: the figures
printed include how many passages the median query touches.

Measured in the same run, each side in a process of its own so memory figures do not mix:
- quotebot: `python -m bot index`'s build (ingest, analyze, index, save), then in another
  process the saved index's load, the compiled top-k's load (as a long-running process does
  before serving) and top-10 retrieval one query at a time;
- rank_bm25 BM25Plus over the same terms (the oracle: parity of scores and top-10s); it has no
  saved form, so its build is ingestion, analysis and BM25Plus();
- bm25s (method "bm25+", same k1, b, delta, numba backend, float32) over the same token ids,
  built and saved in one process, loaded and queried in another;
- tantivy (tantivy-py; its own BM25 and its own "en_stem" analyzer over the passages' raw
  text), built and saved in one process, opened and queried in another.
The peers are the optional `bench` extra: `pip install -e '.[bench]'`. rank_bm25 takes about
0.2 s a query here, so it runs on a sample of each query set (--oracle-sample).

Then the whole engine, as a user runs it (every quotebot process with QUOTEBOT_SEMANTIC=off: these
are the lexical figures, and a semantic first build would encode some 400k sentences, about 40
minutes here):
- `python -m bot ask --jsonl` in one long process over the XQuAD questions: per question, the
  time between one answer line and the next (the first answer, which carries start-up and load,
  left out), p50/p99, and total / N; its ratio to rank_bm25's per-question retrieval time (p50
  against p50) measured in the same run;
- `python -m bot ask "question"`: start-up, load and answer, wall time of a fresh process
  (median of 3), and that process's own peak RSS (os.wait4).

--work DIR keeps the corpus, indexes and term lists there; with --reuse, a second run skips
generation and every build, and measures the query sides again (for medians of several runs);
rank_bm25 is rebuilt from the saved term lists (BM25Plus() only) so that its queries are timed
in the same run too.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval import (  # noqa: E402
    LEXICAL_ENV,
    PARAMS,
    K,
    bot_command,
    cli_figures,
    current_rss_mb,
    ms,
    percentiles,
    rank_bm25_model,
    run_side,
    side_build,
    timed,
    trec_records,
)

from index.analyzer import STOPWORDS, words  # noqa: E402
from index.ingest import ingest, read_sources  # noqa: E402
from index.scorer import use_compiled_top  # noqa: E402
from index.search import analyze_passages, build_analyzer  # noqa: E402
from index.sentences import split_sentences  # noqa: E402
from index.store import load_index, peak_rss_mb  # noqa: E402

PARAGRAPHS_PER_FILE = 200
SETS = ("sentences", "xquad")  # the two query sets


# --- the corpus ------------------------------------------------------------------------------


def sentence_pool(data: Path) -> list[str]:
    """Every sentence of the Vaswani abstracts and of the XQuAD articles, white space folded."""
    pool = []
    abstracts = trec_records(data / "vaswani" / "doc-text.trec", "DOCNO", "DOC")
    for record in abstracts.values():
        # Title and body are separated by two spaces; neither has punctuation.
        for part in re.split(r"\s{2,}", record.replace("\n", " ")):
            part = part.strip()
            if len(part.split()) >= 3:
                pool.append(f"{part[0].upper()}{part[1:]}.")
    for article in sorted((data / "xquad-en" / "sources").glob("*.txt")):
        body = article.read_text(encoding="utf-8").split("\n", 1)[1]  # after the title line
        for paragraph in body.split("\n\n"):
            pool += [
                " ".join(paragraph[s:e].split())
                for s, e in split_sentences(paragraph, 0, len(paragraph))
            ]
    return pool


def generate(data: Path, folder: Path, paragraphs: int, queries: int, seed: int) -> list[str]:
    """Source files of paragraphs of 3–6 sentences drawn from the pool; the query strings."""
    rng = random.Random(seed)
    pool = sentence_pool(data)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for file_no in range(0, paragraphs, PARAGRAPHS_PER_FILE):
        block = [
            " ".join(rng.choices(pool, k=rng.randint(3, 6)))
            for _ in range(min(PARAGRAPHS_PER_FILE, paragraphs - file_no))
        ]
        written += block
        name = folder / f"doc-{file_no // PARAGRAPHS_PER_FILE:05d}.txt"
        name.write_text("\n\n".join(block) + "\n", encoding="utf-8")
    picked = []
    for _ in range(queries):
        # Word occurrences, not distinct words: a common word is drawn as often as it is used.
        content = [w for w in words(rng.choice(written)) if w not in STOPWORDS]
        picked.append(" ".join(rng.sample(content, min(len(content), rng.randint(3, 6)))))
    return picked


def xquad_questions(data: Path) -> list[str]:
    lines = (data / "xquad-en" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def load_queries(work: Path) -> dict[str, list[str]]:
    return json.loads((work / "queries.json").read_text())


# --- the sides, each in a process of its own -------------------------------------------------


def latency_figures(run: Callable[[object], object], queries: list) -> dict:
    """Per-query seconds, one query at a time: a first pass (index pages read from the page
    cache for the first time) and the figures that count, a second pass."""
    calls = [lambda q=q: run(q) for q in queries]
    return {"cold": timed(calls), "latencies": timed(calls)}


def side_quotebot(work: Path, sample: int) -> dict:
    before = current_rss_mb()
    started = time.perf_counter()
    retriever, _ = load_index(work / "sources", work / "cache")
    figures: dict = {"load_s": time.perf_counter() - started}
    figures["load_rss_mb"] = current_rss_mb() - before
    scorer = retriever.scorer
    queries = load_queries(work)
    # A long-running process loads the compiled top-k before serving (index/scorer.py).
    started = time.perf_counter()
    use_compiled_top()
    retriever.search(retriever.analyzer.terms(queries["xquad"][0]), K)
    figures["kernel_load_s"] = time.perf_counter() - started
    for name, questions in queries.items():
        queries = [retriever.analyzer.terms(q) for q in questions]
        figures[name] = latency_figures(lambda q: retriever.search(q, K), queries)
        figures[name]["sample"] = [
            [(h.passage, h.score) for h in retriever.search(q, K)] for q in queries[:sample]
        ]
        figures[name]["touched"] = [touched(scorer, q) for q in queries]
        figures[name]["postings"] = [postings(scorer, q) for q in queries]
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def touched(scorer, query: list[str]) -> int:
    """How many passages hold at least one of the query's terms."""
    spans = [scorer.docs[scorer.offsets[t] : scorer.offsets[t + 1]] for t in known(scorer, query)]
    return len(np.unique(np.concatenate(spans))) if spans else 0


def postings(scorer, query: list[str]) -> int:
    """How many postings a scorer that reads every posting of every query term would read."""
    return sum(int(scorer.offsets[t + 1] - scorer.offsets[t]) for t in known(scorer, query))


def known(scorer, query: list[str]) -> list[int]:
    return [scorer.terms[t] for t in dict.fromkeys(query) if t in scorer.terms]


def side_rank_bm25(work: Path, sample: int) -> dict:
    """Ingest and analyze as quotebot does, build BM25Plus, time a sample of queries; then
    leave the term lists and raw passage texts for the bm25s and tantivy builds (and for
    `side_rank_bm25_again`)."""
    started = time.perf_counter()
    corpus = ingest(read_sources(work / "sources"))
    analyzer = build_analyzer(corpus)
    terms = list(analyze_passages(corpus, analyzer))
    tokenize_s = time.perf_counter() - started
    queries = {name: [analyzer.terms(q) for q in qs] for name, qs in load_queries(work).items()}
    figures = {"tokenize_s": tokenize_s, **rank_bm25_queries(terms, queries, sample)}
    (work / "terms.json").write_text(json.dumps({"passages": terms, "queries": queries}))
    texts = [
        f"{p.heading or ''} "
        + " ".join(corpus.texts[p.source][s.start : s.end] for s in p.sentences)
        for document in corpus.documents
        for p in document.passages
    ]
    (work / "texts.json").write_text(json.dumps(texts))
    return figures


def side_rank_bm25_again(work: Path, sample: int) -> dict:
    """With --reuse: BM25Plus() over the term lists the first run saved, the same sample of
    queries timed again (ingestion and analysis are not repeated)."""
    saved = json.loads((work / "terms.json").read_text())
    return rank_bm25_queries(saved["passages"], saved["queries"], sample)


def rank_bm25_queries(
    terms: list[list[str]], queries: dict[str, list[list[str]]], sample: int
) -> dict:
    """BM25Plus()'s build time, and its latencies and top-10s on a sample of each query set."""
    started = time.perf_counter()
    bm25 = rank_bm25_model(terms, PARAMS)
    figures: dict = {"build_s": time.perf_counter() - started}
    order = np.arange(len(terms))

    def top(query: list[str]) -> list[tuple[int, float]]:
        """The project's contract: the K best passages holding a query term, ties by order."""
        scores = bm25.get_scores(query)
        best = np.lexsort((order, -scores))[: K + 50]
        held = [i for i in best if any(t in bm25.doc_freqs[i] for t in query)]
        return [(int(i), float(scores[i])) for i in held if scores[i] > 0][:K]

    for name, qs in queries.items():
        figures[name] = latency_figures(top, qs[:sample])
        figures[name]["sample"] = [top(q) for q in qs[:sample]]
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def ask_jsonl_figures(work: Path, questions: list[str]) -> dict:
    """`python -m bot ask --jsonl` over `questions` in one process. Each answer line is stamped
    as it arrives; a question's time is the gap since the previous answer (the first answer,
    after start-up and load, is reported apart)."""
    with tempfile.TemporaryFile() as stdin:  # a file: feeding questions never waits on a pipe
        stdin.write("".join(f"{q}\n" for q in questions).encode())
        stdin.seek(0)
        started = time.perf_counter()
        child = subprocess.Popen(
            bot_command(work, "ask", "--jsonl"),
            cwd=ROOT,
            env=LEXICAL_ENV,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert child.stdout is not None
        arrivals = [time.perf_counter() for _ in child.stdout]
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode or len(arrivals) != len(questions):
        raise RuntimeError(f"ask --jsonl: exit {child.returncode}, {len(arrivals)} answers")
    return {
        "first_s": arrivals[0] - started,
        "gaps": np.diff(arrivals).tolist(),
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def bm25s_ids(work: Path) -> tuple[list[list[int]], dict[str, int], dict[str, list[list[int]]]]:
    """The same term lists as token ids (first-appearance order), and the queries' ids."""
    saved = json.loads((work / "terms.json").read_text())
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in saved["passages"]]
    queries = {
        name: [[vocab[t] for t in q if t in vocab] for q in qs]
        for name, qs in saved["queries"].items()
    }
    return ids, vocab, queries


def side_bm25s_build(work: Path) -> dict:
    import bm25s

    ids, vocab, _ = bm25s_ids(work)
    gc.collect()
    before = current_rss_mb()
    started = time.perf_counter()
    model = bm25s.BM25(
        method="bm25+", k1=PARAMS.k1, b=PARAMS.b, delta=PARAMS.delta, backend="numba"
    )
    model.index((ids, vocab), show_progress=False)
    figures = {"build_s": time.perf_counter() - started}
    model.save(str(work / "bm25s"))
    figures["build_rss_mb"] = current_rss_mb() - before
    return figures


def side_bm25s(work: Path, sample: int) -> dict:
    import bm25s

    _, _, queries = bm25s_ids(work)
    gc.collect()
    before = current_rss_mb()
    started = time.perf_counter()
    model = bm25s.BM25.load(str(work / "bm25s"), mmap=False)
    figures: dict = {"load_s": time.perf_counter() - started}

    def top(query: list[int]) -> tuple[np.ndarray, np.ndarray]:
        found = model.retrieve([query], k=K, show_progress=False, n_threads=1)
        return found.documents[0], found.scores[0]

    for name, qs in queries.items():
        # bm25s refuses a query with no known term; quotebot answers those with nothing.
        runnable = [q for q in qs if q]
        figures[name] = latency_figures(top, runnable)
        figures[name]["sample"] = [
            [(int(d), float(s)) for d, s in zip(*top(q), strict=True)] if q else []
            for q in qs[:sample]
        ]
    figures["load_rss_mb"] = current_rss_mb() - before
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


def tantivy_query_text(question: str) -> str:
    """The question's words, lower-cased so that none reads as AND, OR or NOT."""
    return " ".join(re.findall(r"\w+", question.lower()))


def side_tantivy_build(work: Path) -> dict:
    import tantivy

    texts = json.loads((work / "texts.json").read_text())
    gc.collect()
    before = current_rss_mb()
    started = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", tokenizer_name="en_stem", index_option="freq")
    builder.add_unsigned_field("pid", stored=True)
    folder = work / "tantivy"
    shutil.rmtree(folder, ignore_errors=True)  # a new build, not documents added to an old one
    folder.mkdir()
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for pid, text in enumerate(texts):
        writer.add_document(tantivy.Document(body=text, pid=pid))
    writer.commit()
    writer.wait_merging_threads()
    figures = {"build_s": time.perf_counter() - started}
    figures["build_rss_mb"] = current_rss_mb() - before
    figures["index_mb"] = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    return figures


def side_tantivy(work: Path, sample: int) -> dict:
    import tantivy

    queries = load_queries(work)
    before = current_rss_mb()
    started = time.perf_counter()
    index = tantivy.Index.open(str(work / "tantivy"))
    searcher = index.searcher()
    figures: dict = {"load_s": time.perf_counter() - started}

    def top(text: str) -> list:
        query, _ = index.parse_query_lenient(text, ["body"])
        return searcher.search(query, K).hits

    for name, qs in queries.items():
        texts = [tantivy_query_text(q) for q in qs]
        figures[name] = latency_figures(top, texts)
        figures[name]["sample"] = [
            [searcher.doc(address)["pid"][0] for _, address in top(t)] for t in texts[:sample]
        ]
    figures["load_rss_mb"] = current_rss_mb() - before
    figures["peak_rss_mb"] = peak_rss_mb()
    return figures


# --- report ----------------------------------------------------------------------------------


def same_top(ours: list, oracle: list) -> tuple[int, float]:
    """How many top-10 lists are identical, and the largest score difference in them."""
    same = sum([p for p, _ in a] == [p for p, _ in b] for a, b in zip(ours, oracle, strict=True))
    diffs = [
        abs(x - y)
        for a, b in zip(ours, oracle, strict=True)
        for (p, x), (q, y) in zip(a, b, strict=False)
        if p == q
    ]
    return same, max(diffs, default=0.0)


def overlap(ours: list[list[int]], oracle: list) -> float:
    """Mean share of the oracle's top-10 passages found in the other top 10."""
    shares = [
        len({p for p, _ in b} & set(a)) / len(b) for a, b in zip(ours, oracle, strict=True) if b
    ]
    return statistics.mean(shares) if shares else 0.0


def row(name: str, build: str, load: str, latencies: list[float], rss: str) -> str:
    p50, p99 = percentiles(latencies)
    return f"| {name} | {build} | {load} | {ms(p50)} | {ms(p99)} | {rss} |"


def report(figures: dict, queries: dict[str, list[str]]) -> None:
    built, ours = figures.get("build"), figures["quotebot"]
    oracle, bs, tv = figures.get("rank_bm25"), figures.get("bm25s"), figures.get("tantivy")
    bs_built, tv_built = figures.get("bm25s_build"), figures.get("tantivy_build")
    if built:
        print(
            f"corpus: {built['passages']:,} passages, {built['terms']:,} terms, "
            f"{built['postings']:,} postings; BM25Plus k1={PARAMS.k1} b={PARAMS.b} "
            f"delta={PARAMS.delta}; top {K}, one query at a time"
        )
    n = built["passages"] if built else None
    for name in SETS:
        touched = statistics.median(ours[name]["touched"])
        share = f" ({touched / n:.0%} of the passages)" if n else ""
        print(
            f"\n{name}: {len(queries[name])} queries; the median one touches "
            f"{touched:,.0f} passages{share}, {statistics.median(ours[name]['postings']):,.0f} "
            "postings"
        )
        print("| | build | load | p50 | p99 | peak RSS |\n|---|---|---|---|---|---|")

        def fmt(seconds: float | None) -> str:
            return "—" if seconds is None else f"{seconds:.2f} s"

        for label, side, side_built in (
            ("quotebot", ours, built),
            ("bm25s + numba (float32)", bs, bs_built),
            ("tantivy (own formula)", tv, tv_built),
        ):
            if side:
                build_s = side_built["build_s"] if side_built else None
                rss = f"{side['peak_rss_mb']:.0f} MB"
                print(row(label, fmt(build_s), fmt(side["load_s"]), side[name]["latencies"], rss))
        if oracle:
            print(
                row(
                    f"rank_bm25 BM25Plus ({len(oracle[name]['latencies'])} queries)",
                    f"{oracle['tokenize_s']:.1f} s + {oracle['build_s']:.2f} s",
                    "—",
                    oracle[name]["latencies"],
                    f"{oracle['peak_rss_mb']:.0f} MB",
                )
            )
        q50 = percentiles(ours[name]["latencies"])[0]
        for label, side in (("bm25s", bs), ("tantivy", tv), ("rank_bm25", oracle)):
            if side:
                ratio = percentiles(side[name]["latencies"])[0] / q50
                print(f"  {label} p50 / quotebot p50, same run: {ratio:.2f}")
        if oracle:
            expected = oracle[name]["sample"]
            same, diff = same_top(ours[name]["sample"], expected)
            print(
                f"  parity with rank_bm25 on {len(expected)} queries: quotebot identical top-{K} "
                f"{same}/{len(expected)}, largest score difference {diff:.1e}"
            )
            if bs:
                same, diff = same_top(bs[name]["sample"], expected)
                print(
                    f"  bm25s identical top-{K} {same}/{len(expected)} "
                    f"({same / len(expected):.0%}), largest score difference {diff:.1e}"
                )
            if tv:
                print(
                    f"  tantivy: mean share of rank_bm25's top {K} in its own "
                    f"{overlap(tv[name]['sample'], expected):.0%}"
                )
    print(
        f"\nquotebot: loading adds {ours['load_rss_mb']:.0f} MB RSS; peak RSS while querying "
        f"{ours['peak_rss_mb']:.0f} MB"
        + (f"; build peak RSS {built['peak_rss_mb']:.0f} MB" if built else "")
    )
    if oracle:
        print(
            f"rank_bm25 build = {oracle['tokenize_s']:.1f} s of ingest and analysis (quotebot's "
            f"own) + {oracle['build_s']:.2f} s BM25Plus(); it has no saved form"
        )
    if bs_built:
        print(f"bm25s build from token ids: {bs_built['build_s']:.1f} s")
    if tv_built:
        print(f"tantivy index on disk: {tv_built['index_mb']:.0f} MB")
    print(
        f"the compiled kernel loaded (use_compiled_top and a first search): "
        f"{ours['kernel_load_s']:.2f} s, of which numba's import {figures['numba_s']:.2f} s"
    )
    print(
        f"python -m bot ask (start, load, answer on the NumPy path), median of 3: "
        f"{figures['cli_s']:.2f} s, peak RSS {figures['cli_rss_mb']:.0f} MiB"
    )
    asks = figures["ask_jsonl"]
    a50, a99 = percentiles(asks["gaps"])
    print(
        f"python -m bot ask --jsonl, {len(asks['gaps']) + 1} XQuAD questions in one process: "
        f"first answer after {asks['first_s']:.2f} s; then per question (time between answers) "
        f"p50 {ms(a50)}, p99 {ms(a99)}, total / N {ms(statistics.mean(asks['gaps']))}; "
        f"peak RSS {asks['peak_rss_mb']:.0f} MiB"
    )
    if oracle:
        ratio = percentiles(oracle["xquad"]["latencies"])[0] / a50
        print(
            f"  rank_bm25 retrieval p50 / ask --jsonl p50, XQuAD questions, same run: {ratio:.1f}×"
        )
    print("first pass over the queries (index pages read for the first time), p50 / p99:")
    for name in SETS:
        cold = [
            f"{label} {' / '.join(ms(x) for x in percentiles(side[name]['cold']))}"
            for label, side in (("quotebot", ours), ("bm25s", bs), ("tantivy", tv))
            if side
        ]
        print(f"  {name}: " + "; ".join(cold))


def numba_import_seconds(runs: int = 3) -> float:
    """Median time a fresh interpreter takes to import numba (and numpy with it)."""
    code = "import time; t = time.perf_counter(); import numba; print(time.perf_counter() - t)"
    return statistics.median(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout)
        for _ in range(runs)
    )


def benchmark(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="quotebot-realtext-") as tmp:
        work = args.work or Path(tmp)
        figures: dict = {}
        if not args.reuse:
            started = time.perf_counter()
            queries = generate(
                args.data, work / "sources", args.paragraphs, args.queries, args.seed
            )
            queries_by_set = {"sentences": queries, "xquad": xquad_questions(args.data)}
            (work / "queries.json").write_text(json.dumps(queries_by_set))
            (work / "settings.json").write_text(json.dumps({"sample": args.oracle_sample}))
            print(f"generated the corpus in {time.perf_counter() - started:.1f} s", flush=True)
            for side in ("build", "rank_bm25", "bm25s_build", "tantivy_build"):
                figures[side] = run_side(side, work, __file__)
                print(f"built: {side}", flush=True)
            (work / "built.json").write_text(json.dumps(figures))
        else:
            figures = json.loads((work / "built.json").read_text())
            rebuilt = run_side("rank_bm25_again", work, __file__)
            figures["rank_bm25"] = {"tokenize_s": figures["rank_bm25"]["tokenize_s"], **rebuilt}
        for side in ("quotebot", "bm25s", "tantivy"):
            figures[side] = run_side(side, work, __file__)
        xquad = load_queries(work)["xquad"]
        figures["cli_s"], figures["cli_rss_mb"] = cli_figures(work, xquad[0])
        figures["ask_jsonl"] = ask_jsonl_figures(work, xquad)
        figures["numba_s"] = numba_import_seconds()
        report(figures, load_queries(work))
        if args.json:
            args.json.write_text(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--paragraphs", type=int, default=88_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--oracle-sample", type=int, default=100)
    parser.add_argument("--work", type=Path, help="keep the corpus and indexes in this folder")
    parser.add_argument("--reuse", action="store_true", help="reuse --work's corpus and builds")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--side", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        sample = json.loads((args.work / "settings.json").read_text())["sample"]
        sides: dict[str, Callable[[], dict]] = {
            "build": lambda: side_build(args.work),
            "quotebot": lambda: side_quotebot(args.work, sample),
            "rank_bm25": lambda: side_rank_bm25(args.work, sample),
            "rank_bm25_again": lambda: side_rank_bm25_again(args.work, sample),
            "bm25s_build": lambda: side_bm25s_build(args.work),
            "bm25s": lambda: side_bm25s(args.work, sample),
            "tantivy_build": lambda: side_tantivy_build(args.work),
            "tantivy": lambda: side_tantivy(args.work, sample),
        }
        print(json.dumps(sides[args.side]()))
    elif args.reuse and not args.work:
        parser.error("--reuse needs --work")
    else:
        benchmark(args)


if __name__ == "__main__":
    main()
