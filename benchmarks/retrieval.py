"""Retrieval on a synthetic corpus against rank_bm25, and retrieval quality (MAP) on Vaswani.

    python benchmarks/retrieval.py [--passages 100000] [--queries 1000] [--seed 7]
    python benchmarks/retrieval.py --ir ../shared/benchmarks/vaswani

The speed figures of the README come from benchmarks/realtext.py (passages of real sentences,
peers in the same run). The first form here is the EASY case it is kept for comparison: made-up
syllable words with a Zipf spread, where the median query touches about 4 % of the passages
(against about a quarter on real sentences). It writes N generated passages (seeded) as
source files, builds the project's saved index and rank_bm25's model of the same variant over
the same terms, runs the same queries one at a time on each, and prints build time, load time,
p50/p99 latency, queries per second and peak RSS for both, the ratio, a parity check on a
sample of queries, full-answer latency, and how long `python -m bot ask` takes to start, load
and answer. Each side runs in a process of its own, so that their memory figures do not mix.
Every quotebot process runs lexical (QUOTEBOT_SEMANTIC=off, `LEXICAL_ENV`): these are BM25's
figures, and a semantic first build would encode every sentence (about 40 minutes at 100k
passages on 2 cores).

The second form scores retrieval quality (MAP) on the Vaswani/NPL collection with Terrier's
settings. Runs outside the test suite.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi, BM25Plus

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.engine import Engine  # noqa: E402
from bot.facts.book import build_factbook  # noqa: E402
from index.analyzer import STOPWORDS  # noqa: E402
from index.ingest import ingest, read_sources  # noqa: E402
from index.scorer import BM25Index, BM25Params  # noqa: E402
from index.search import analyze_passages, build_analyzer  # noqa: E402
from index.store import load_index, peak_rss_mb  # noqa: E402

K = 10
PARAMS = BM25Params()  # the engine's variant and parameters
MODEL = f"BM25{PARAMS.variant.capitalize()}"
PARITY_SAMPLE = 100
PASSAGES_PER_FILE = 200
# The environment of every quotebot process these benchmarks start: lexical, whatever the
# caller's QUOTEBOT_SEMANTIC says (the semantic layer is on by default; index/semantic.py).
LEXICAL_ENV = {**os.environ, "QUOTEBOT_SEMANTIC": "off"}


# --- the generated corpus --------------------------------------------------------------------


def generate(folder: Path, passages: int, queries: int, seed: int) -> list[str]:
    """Source files of one-paragraph passages (60–120 words in 3–4 sentences), and questions.

    Words follow Zipf's law, with English stopwords taking the most frequent ranks as they do
    in real text, so that the terms left after analysis have a realistic spread of IDFs.
    Questions are 2–6 words drawn from a random passage, some of them not in any passage.
    """
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    content = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(40000)})
    rng.shuffle(content)
    vocabulary = sorted(STOPWORDS - {"s", "t", "d", "ll", "m", "o", "re", "ve", "y"}) + content
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))
    folder.mkdir(parents=True, exist_ok=True)
    texts: list[list[str]] = []
    for file_no in range(math.ceil(passages / PASSAGES_PER_FILE)):
        paragraphs = []
        for _ in range(min(PASSAGES_PER_FILE, passages - file_no * PASSAGES_PER_FILE)):
            words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(60, 120))
            texts.append(words)
            cuts = sorted(rng.sample(range(8, len(words) - 8), rng.randint(2, 3)))
            sentences = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
            paragraphs.append(" ".join(" ".join(s).capitalize() + "." for s in sentences))
        (folder / f"doc-{file_no:05d}.txt").write_text("\n\n".join(paragraphs) + "\n")
    questions = []
    for _ in range(queries):
        words = [w for w in rng.choice(texts) if w not in STOPWORDS]
        picked = rng.sample(words, min(len(words), rng.randint(2, 6)))
        if rng.random() < 0.1:
            picked.append("".join(rng.choices("xyq", k=8)))  # a word no passage has
        questions.append(f"What about {' '.join(picked)}?")
    return questions


# --- the two sides, each in its own process --------------------------------------------------


def rank_bm25_model(terms: list[list[str]], params: BM25Params) -> BM25Okapi | BM25Plus:
    if params.variant == "okapi":
        return BM25Okapi(terms, k1=params.k1, b=params.b, epsilon=params.epsilon)
    return BM25Plus(terms, k1=params.k1, b=params.b, delta=params.delta)


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(calls: list) -> list[float]:
    """Seconds taken by each call, one at a time."""
    out = []
    for call in calls:
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def side_build(work: Path) -> dict:
    started = time.perf_counter()
    retriever, _ = load_index(work / "sources", work / "cache", progress=True, force=True)
    return {
        "build_s": time.perf_counter() - started,
        "passages": len(retriever.passages),
        "terms": len(retriever.vocabulary),
        "postings": len(retriever.scorer.docs),
        "peak_rss_mb": peak_rss_mb(),
    }


def side_quotebot(work: Path, questions: list[str]) -> dict:
    before = current_rss_mb()
    started = time.perf_counter()
    retriever, _ = load_index(work / "sources", work / "cache")
    load_s = time.perf_counter() - started
    loaded = current_rss_mb()
    queries = [retriever.analyzer.terms(q) for q in questions]
    latencies = timed([lambda q=q: retriever.search(q, K) for q in queries])
    unknown = timed([lambda: retriever.search(["zzzunknownzzz", "qqqnothingqqq"], K)] * 100)
    started = time.perf_counter()
    engine = Engine(retriever, facts=build_factbook(work / "sources", retriever)[0])
    factbook_s = time.perf_counter() - started
    asks = timed([lambda q=q: engine.ask(q) for q in questions])
    sample = [
        [(h.passage, h.score) for h in retriever.search(q, K)] for q in queries[:PARITY_SAMPLE]
    ]
    return {
        "load_s": load_s,
        "factbook_s": factbook_s,
        "load_rss_mb": loaded - before,
        "texts_mb": sum(sys.getsizeof(t) for t in retriever.texts.values()) / 2**20,
        "latencies": latencies,
        "unknown_p50": statistics.median(unknown),
        "asks": asks,
        "sample": sample,
        "peak_rss_mb": peak_rss_mb(),
    }


def side_rank_bm25(work: Path, questions: list[str]) -> dict:
    started = time.perf_counter()
    corpus = ingest(read_sources(work / "sources"))
    analyzer = build_analyzer(corpus)
    terms = list(analyze_passages(corpus, analyzer))
    tokenize_s = time.perf_counter() - started
    started = time.perf_counter()
    bm25 = rank_bm25_model(terms, PARAMS)
    build_s = time.perf_counter() - started
    order = np.arange(len(terms))

    def top(query: list[str]) -> list[tuple[int, float]]:
        """The project's contract: the K best passages holding a query term, ties by order."""
        scores = bm25.get_scores(query)
        best = np.lexsort((order, -scores))[:K]
        held = [i for i in best if any(t in bm25.doc_freqs[i] for t in query)]
        return [(int(i), float(scores[i])) for i in held if scores[i] > 0]

    queries = [analyzer.terms(q) for q in questions]
    latencies = timed([lambda q=q: top(q) for q in queries])
    figures = {
        "tokenize_s": tokenize_s,
        "build_s": build_s,
        "latencies": latencies,
        "sample": [top(q) for q in queries[:PARITY_SAMPLE]],
        "peak_rss_mb": peak_rss_mb(),
    }
    # The project's scorer over the same term lists, for a like-for-like build time.
    figures["scorer_build_s"] = timed([lambda: BM25Index.build(terms, PARAMS)])[0]
    return figures


def run_side(side: str, work: Path, script: str = __file__) -> dict:
    """Run one side of `script` in a fresh Python process; its figures come back as JSON."""
    out = subprocess.run(
        [sys.executable, script, "--side", side, "--work", str(work)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env=LEXICAL_ENV,
    )
    return json.loads(out.stdout.splitlines()[-1])


def bot_command(work: Path, *args: str) -> list[str]:
    """`python -m bot` over the work folder's sources and saved index."""
    command = [sys.executable, "-m", "bot", "--sources", str(work / "sources")]
    return [*command, "--cache", str(work / "cache"), *args]


def measured_run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of `command`, lexical. The peak is the
    child's own (os.wait4), not RUSAGE_CHILDREN's largest over every child so far."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=ROOT, env=LEXICAL_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return seconds, usage.ru_maxrss / 1024  # Linux reports kilobytes


def cli_figures(work: Path, question: str, runs: int = 3) -> tuple[float, float]:
    """`python -m bot ask` over the saved index (start, load, answer): the median wall time of
    `runs` fresh processes, and the largest peak RSS among them (MiB)."""
    measured = [measured_run(bot_command(work, "ask", question)) for _ in range(runs)]
    return statistics.median(s for s, _ in measured), max(rss for _, rss in measured)


# --- report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.3f} ms"


def percentiles(latencies: list[float]) -> tuple[float, float]:
    p50, p99 = np.percentile(latencies, [50, 99])
    return float(p50), float(p99)


def parity(ours: list, theirs: list) -> str:
    same_ids = sum(
        [p for p, _ in a] == [p for p, _ in b] for a, b in zip(ours, theirs, strict=True)
    )
    diffs = [
        abs(x - y)
        for a, b in zip(ours, theirs, strict=True)
        for (_, x), (_, y) in zip(a, b, strict=False)
    ]
    return (
        f"parity on {len(ours)} queries: identical top-{K} for {same_ids}, "
        f"max score difference {max(diffs, default=0.0):.1e}"
    )


def benchmark(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="quotebot-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        questions = generate(work / "sources", args.passages, args.queries, args.seed)
        (work / "questions.json").write_text(json.dumps(questions))
        print(f"generated {args.passages} passages in {time.perf_counter() - started:.1f} s")
        built = run_side("build", work)
        ours = run_side("quotebot", work)
        theirs = run_side("rank_bm25", work)
        cli, cli_rss = cli_figures(work, questions[0])

    o50, o99 = percentiles(ours["latencies"])
    t50, t99 = percentiles(theirs["latencies"])
    a50, a99 = percentiles(ours["asks"])
    print(
        f"{MODEL}, k1={PARAMS.k1}, b={PARAMS.b}, "
        + (f"delta={PARAMS.delta}\n" if PARAMS.variant == "plus" else f"epsilon={PARAMS.epsilon}\n")
        + f"corpus: {built['passages']} passages, {built['terms']} terms, "
        f"{built['postings']} postings; {len(questions)} queries, top {K}, one at a time"
    )
    print(f"{'':12}{'build':>12}{'load':>12}{'p50':>12}{'p99':>12}{'q/s':>10}{'peak RSS':>11}")
    print(
        f"{'quotebot':12}{built['build_s']:>10.2f} s{ours['load_s']:>10.3f} s{ms(o50):>12}"
        f"{ms(o99):>12}{len(questions) / sum(ours['latencies']):>10.0f}"
        f"{ours['peak_rss_mb']:>8.0f} MB"
    )
    print(
        f"{'rank_bm25':12}{theirs['build_s']:>10.2f} s"
        f"{theirs['tokenize_s'] + theirs['build_s']:>10.1f} s*{ms(t50):>11}{ms(t99):>12}"
        f"{len(questions) / sum(theirs['latencies']):>10.1f}{theirs['peak_rss_mb']:>8.0f} MB"
    )
    print(
        f"quotebot build = ingest, analyze, index, save (peak RSS {built['peak_rss_mb']:.0f} MB); "
        f"rank_bm25 build = {MODEL}() after {theirs['tokenize_s']:.1f} s of ingest and analysis"
    )
    print(
        f"index only, same term lists: quotebot {theirs['scorer_build_s']:.2f} s, "
        f"rank_bm25 {theirs['build_s']:.2f} s"
    )
    print("* rank_bm25 has no saved form: ready means ingest, analysis and build again")
    print(f"speed-up, same run: p50 {t50 / o50:.0f}×, p99 {t99 / o99:.0f}×")
    print(parity(ours["sample"], theirs["sample"]))
    print(f"query of unknown terms only: p50 {ms(ours['unknown_p50'])}")
    print(
        f"loading adds {ours['load_rss_mb']:.0f} MB RSS, of which the source texts (kept for "
        f"quoting) are {ours['texts_mb']:.0f} MB"
    )
    print(f"full ask (retrieval, sentence choice, quoting): p50 {ms(a50)}, p99 {ms(a99)}")
    print(
        f"python -m bot ask (start, load, answer), median of 3: {cli:.2f} s, "
        f"peak RSS {cli_rss:.0f} MiB"
    )
    print(
        f"  of that, in-process: index load {ours['load_s']:.2f} s, fact book assembled "
        f"(bot/facts/book.py: curated facts, saved tables and FAQs) {ours['factbook_s']:.2f} s"
    )


# --- retrieval quality on a TREC collection --------------------------------------------------


def trec_records(path: Path, key: str, body: str) -> dict[str, str]:
    """`<key>id</key> ... text ...` records of a TREC file; the text is everything after the id."""
    text = path.read_text(encoding="utf-8", errors="replace")
    records = {}
    for chunk in text.split(f"<{key}>")[1:]:
        ident, rest = chunk.split(f"</{key}>", 1)
        records[ident.strip()] = rest.split(f"</{body}>", 1)[0].replace(f"<{body}>", " ")
    return records


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked, 1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def ir(folder: Path) -> None:
    """MAP on a TREC collection with Terrier's stopwords, Porter stemming, k1=1.2, b=0.75."""
    import re

    import Stemmer

    stopwords = set((folder / "terrier-stopword-list.txt").read_text().split())
    stemmer = Stemmer.Stemmer("porter")

    def terms(text: str) -> list[str]:
        return stemmer.stemWords(
            [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stopwords]
        )

    docs = trec_records(folder / "doc-text.trec", "DOCNO", "DOC")
    queries = trec_records(folder / "query-text.trec", "num", "top")
    qrels: dict[str, set[str]] = defaultdict(set)
    for line in (folder / "qrels").read_text().splitlines():
        qid, _, doc, rel = line.split()
        if int(rel) > 0:
            qrels[qid].add(doc)
    names = list(docs)
    doc_terms = [terms(docs[n]) for n in names]
    query_terms = {
        qid: terms(text.replace("<title>", " ").replace("</title>", " "))
        for qid, text in queries.items()
    }
    print(
        f"{folder.name}: {len(docs)} documents, {len(queries)} queries (Terrier publishes 0.2965)"
    )
    for params in (BM25Params(variant="okapi"), BM25Params(variant="plus")):
        index = BM25Index.build(doc_terms, params)
        oracle = rank_bm25_model(doc_terms, params)
        ours, theirs = [], []
        for qid, query in query_terms.items():
            ranked = [names[h.passage] for h in index.top(query, 1000)]
            ours.append(average_precision(ranked, qrels[qid]))
            scores = oracle.get_scores(query)
            best = np.lexsort((np.arange(len(names)), -scores))[:1000]
            theirs.append(average_precision([names[i] for i in best], qrels[qid]))
        print(
            f"  BM25{params.variant.capitalize()}: MAP {statistics.mean(ours):.4f} "
            f"(rank_bm25, same settings: {statistics.mean(theirs):.4f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ir", type=Path, help="a TREC collection folder: print MAP instead")
    parser.add_argument(
        "--side", choices=["build", "quotebot", "rank_bm25"], help=argparse.SUPPRESS
    )
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        questions = json.loads((args.work / "questions.json").read_text())
        figures = {
            "build": lambda: side_build(args.work),
            "quotebot": lambda: side_quotebot(args.work, questions),
            "rank_bm25": lambda: side_rank_bm25(args.work, questions),
        }[args.side]()
        print(json.dumps(figures))
    elif args.ir:
        ir(args.ir)
    else:
        benchmark(args)


if __name__ == "__main__":
    main()
