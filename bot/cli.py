"""`python -m bot`: the maintainers' harness. Thin handlers over the engine; no logic here.

What only one command needs (discord.py, the eval and fact-suggestion tools) is imported by
that command, so that `ask` starts without it."""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.core.question import QuestionError
from bot.facts.book import FactBook
from bot.facts.lookup import lookup
from bot.facts.render_text import render_card
from bot.loader import load_engine
from bot.models import Answer, LineError
from bot.render_text import render_answer
from bot.terminal import inline, printable
from index.errors import DataFileError, shown_path
from index.manifest import DRAFT_HEADER, FACTS_NAME, MANIFEST_NAME, draft_entries, load_manifest
from index.models import SourceMeta
from index.semantic import SWITCH, choose_mode
from index.source_text import SourceChanged

EXIT_OK, EXIT_USAGE = 0, 2
_TESTS = Path(__file__).resolve().parents[1] / "tests"
# The project's own eval sets: questions over the two articles, worded as users word them.
DEFAULT_EVAL_SETS = (
    _TESTS / "questions.jsonl",
    _TESTS / "eval" / "paraphrases.jsonl",
    _TESTS / "eval" / "unanswerable.jsonl",
)
Command = Callable[[argparse.Namespace], int]


def _on_off(value: str) -> bool:
    if value.lower() not in SWITCH:
        raise argparse.ArgumentTypeError(f"expected on or off, not {value!r}")
    return SWITCH[value.lower()]


# Options every command takes, before or after its name (`ask "Q" --cache DIR`): one list, so a
# new global option is one more entry here.
GLOBAL_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "--sources",
        {
            "type": Path,
            "default": Path("sources"),
            "metavar": "DIR",
            "help": "sources folder (default: sources)",
        },
    ),
    (
        "--cache",
        {
            "type": Path,
            "default": None,
            "metavar": "DIR",
            "help": "index cache folder (default: derived from the sources folder's path)",
        },
    ),
    (
        "--semantic",
        {
            "type": _on_off,
            "default": None,
            "metavar": "on|off",
            "help": "sentence vectors beside BM25 (default: $QUOTEBOT_SEMANTIC, else on)",
        },
    ),
)


def _global_options(after_command: bool) -> argparse.ArgumentParser:
    """A parent parser with the global options. After a command they default to SUPPRESS, so
    that they set a value only when given there, and one given after the command wins."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("options of every command")
    for flag, options in GLOBAL_OPTIONS:
        default = argparse.SUPPRESS if after_command else options["default"]
        group.add_argument(flag, **{**options, "default": default})
    return parent


def _warn(note: str) -> None:
    """One line: a line break in the note (a file name's) is shown as an escape."""
    print(f"warning: {inline(note)}", file=sys.stderr)


def _engine(args: argparse.Namespace, progress: bool = False) -> Engine:
    engine, notes = load_engine(args.sources, args.cache, progress=progress, semantic=args.semantic)
    for note in notes:
        _warn(note)
    return engine


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    if args.jsonl:
        return _ask_lines(engine)
    if args.question is None:
        print("error: give a QUESTION, or --jsonl to read questions from stdin", file=sys.stderr)
        return EXIT_USAGE
    if args.explain:
        from bot.explain import explain, render_explanation

        explained = explain(engine, args.question)
        print(explained.model_dump_json(indent=2) if args.json else render_explanation(explained))
        return EXIT_OK
    if args.format == "discord":
        from bot.discord.preview import discord_payload

        print(json.dumps(discord_payload(engine, args.question), indent=2, ensure_ascii=False))
        return EXIT_OK
    answer = engine.ask(args.question)
    print(answer.model_dump_json(indent=2) if args.json else render_answer(answer))
    return EXIT_OK


def _ask_lines(engine: Engine) -> int:
    """One JSON line out per question line in, flushed at once. Lines are read as bytes and
    decoded one by one, so a bad byte costs only its line (a `LineError`), whatever the locale;
    so does a question whose quotes come from a source changed since the start."""
    engine.retriever.expect_many_queries()
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue
        print(_line_reply(engine, number, line).model_dump_json(), flush=True)
    return EXIT_OK


def _line_reply(engine: Engine, number: int, line: bytes) -> Answer | LineError:
    try:
        question = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = f"not valid UTF-8 (byte {exc.start}); the line was not asked"
        return LineError(line=number, error=error)
    try:
        return engine.ask(question)
    except SourceChanged as exc:
        return LineError(line=number, error=str(exc))


def cmd_sources(args: argparse.Namespace) -> int:
    engine = _engine(args)
    entries = engine.retriever.documents.values()
    if args.action == "init":
        return _sources_init(args.sources, [entry.meta for entry in entries])
    if args.json:
        listed = [_source_json(entry.meta, len(entry.passages)) for entry in entries]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return EXIT_OK
    for entry in entries:
        meta = entry.meta
        fields = [("title", meta.title), ("publisher", meta.publisher), ("date", meta.date)]
        if meta.aliases:
            fields.append(("aliases", ", ".join(meta.aliases)))
        if meta.url:
            fields.append(("url", meta.url))
        lines = [f"{inline(meta.file)} ({meta.format})"]
        for key, value in fields:
            origin = meta.origin.get(key)
            lines.append(
                f"  {key + ':':10} {inline(value)}" + (f"  (from the {origin})" if origin else "")
            )
        lines.append(f"  {'passages:':10} {len(entry.passages)}")
        print("\n".join(lines))
    print(choose_mode(args.semantic).status)
    return EXIT_OK


def _source_json(meta: SourceMeta, passages: int) -> dict[str, Any]:
    """One source as `sources --json` lists it: its citation, its format and passage count,
    and where each stated field came from."""
    return {
        **meta.model_dump(include={"file", "title", "format"}),
        "passages": passages,
        **meta.model_dump(exclude={"file", "title", "format"}),
    }


def _sources_init(folder: Path, metas: list[SourceMeta]) -> int:
    """Add a draft `[[source]]` entry to sources.toml for each source without one; the text
    already there is kept as it is, and a file with an entry is left alone."""
    path = folder / MANIFEST_NAME
    listed, _ = load_manifest(folder)
    missing = [meta for meta in metas if meta.file not in listed]
    if not missing:
        print(f"{inline(str(path))}: every source has an entry; nothing written")
        return EXIT_OK
    header = "" if path.exists() else DRAFT_HEADER
    try:
        with path.open("a", encoding="utf-8", newline="") as out:
            out.write(header + draft_entries(missing))
    except OSError as exc:
        raise DataFileError(path, None, f"cannot be written ({exc.strerror or exc})") from exc
    print(
        f"{inline(str(path))}: {len(missing)} draft entr{'y' if len(missing) == 1 else 'ies'} "
        "added; check each one, then run any command to use them"
    )
    return EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    from index.store import load_index, peak_rss_mb

    started = time.perf_counter()
    mode = choose_mode(args.semantic)
    retriever, notes = load_index(
        args.sources,
        args.cache,
        progress=True,
        force=args.force,
        must_save=True,
        encoder=mode.encoder,
    )
    if mode.warning:
        notes.insert(0, mode.warning)
    for note in notes:
        _warn(note)
    print(
        f"indexed {len(retriever.documents)} sources, "
        f"{len(retriever.passages)} passages, {len(retriever.vocabulary)} terms, "
        f"{len(retriever.vectors or ())} sentence vectors "
        f"in {time.perf_counter() - started:.1f} s, peak memory {peak_rss_mb():.0f} MB"
    )
    print(mode.status)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    engine = _engine(args)
    print("Ask a question about the sources; an empty line or Ctrl-D quits.")
    while True:
        try:
            question = input("? ")
        except (EOFError, KeyboardInterrupt):
            print()
            return EXIT_OK
        if not question.strip():
            return EXIT_OK
        try:
            print(render_answer(engine.ask(question)), end="\n\n")
        except SourceChanged as exc:  # that question fails; the next ones are still asked
            print(f"error: {inline(str(exc))}", end="\n\n", file=sys.stderr)


def cmd_eval(args: argparse.Namespace) -> int:
    """Score eval files (by default the project's own sets) in each mode asked for: both,
    unless --semantic picks one; --half odd scores the half no knob was fitted on."""
    from bot.evaluate import evaluate, format_report, load_eval

    files = args.files or [f for f in DEFAULT_EVAL_SETS if f.exists()]
    if not files:
        print(
            "error: give an eval FILE (the default sets are in the project's tests/)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    sets = [(path, load_eval(path)) for path in files]
    if args.half:
        # Lines counted from 0 in each file, as benchmarks/calibrate.py fits on the even ones.
        parity = 0 if args.half == "even" else 1
        sets = [(path, items[parity::2]) for path, items in sets]
    modes = [args.semantic] if args.semantic is not None else [False, True]
    reports: dict[str, dict[str, object]] = {}
    for semantic in modes:
        engine, notes = load_engine(args.sources, args.cache, semantic=semantic)
        for note in notes:
            _warn(note)
        mode = "semantic" if engine.semantic else "lexical"
        for path, items in sets:
            report = evaluate(items, engine.ask)
            reports.setdefault(str(path), {})[mode] = report.model_dump()
            if not args.json:
                half = f", {args.half} lines" if args.half else ""
                print(f"== {path} ({mode}{half})")
                print(format_report(report))
                for failure in report.failures:
                    print(printable(f"  miss: {failure}"))
    if args.json:
        print(json.dumps(reports, indent=2))
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.discord.preview import preview

    payload = preview(_engine(args), args.kind, args.text)
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from bot.discord.launch import run

    return run(args.sources, args.cache, args.semantic)


def cmd_sync(args: argparse.Namespace) -> int:
    from bot.discord.launch import sync

    return sync(args.sources, args.cache, args.semantic)


def cmd_fact(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        query = engine.parse(args.query)
    except QuestionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    result = lookup(_facts(args, engine), query)
    print(result.model_dump_json(indent=2) if args.json else render_card(result))
    return EXIT_OK


def cmd_facts_suggest(args: argparse.Namespace) -> int:
    from bot.facts.suggest import suggest, to_toml

    engine = _engine(args)
    candidates = suggest(_facts(args, engine), engine.retriever, include_known=args.all)
    print(to_toml(candidates), end="")
    print(
        f"{len(candidates)} candidate facts: review each, then paste the good ones into "
        f"{inline(shown_path(args.sources / FACTS_NAME))}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_facts_check(args: argparse.Namespace) -> int:
    book = _facts(args)
    curated = sum(f.origin == "curated" for f in book.facts)
    print(
        f"{inline(shown_path(args.sources / FACTS_NAME))}: {curated} curated facts OK; "
        f"{len(book.facts) - curated} from tables, {len(book.faqs)} FAQ entries"
    )
    return EXIT_OK


def _facts(args: argparse.Namespace, engine: Engine | None = None) -> FactBook:
    facts = (engine or _engine(args)).facts
    assert facts is not None, "load_engine always builds the facts"
    return facts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answer questions from sources/ with cited quotes.",
        epilog="The options of every command may also come after the command's name.",
        parents=[_global_options(after_command=False)],
    )
    command_parent = [_global_options(after_command=True)]
    sub = parser.add_subparsers(dest="command", required=True)

    def command(group: Any, name: str, summary: str) -> argparse.ArgumentParser:
        return group.add_parser(name, help=summary, parents=command_parent)

    ask = command(sub, "ask", "answer one question (or many with --jsonl)")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.add_argument("--jsonl", action="store_true", help="questions on stdin, JSON lines out")
    ask.add_argument(
        "--explain",
        action="store_true",
        help="show how the question was read, the best windows with their features and "
        "scores, and why the bot answered or declined",
    )
    ask.add_argument(
        "--format",
        choices=["text", "discord"],
        default="text",
        help="discord: print the message payload /ask would send",
    )
    ask.set_defaults(func=cmd_ask)

    src = command(sub, "sources", "list sources and their metadata")
    src.add_argument(
        "action",
        nargs="?",
        choices=["init"],
        help="init: add a draft sources.toml entry for each source without one",
    )
    src.add_argument("--json", action="store_true", help="print the list as JSON")
    src.set_defaults(func=cmd_sources)
    index = command(sub, "index", "build or rebuild the index")
    index.add_argument("--force", action="store_true", help="rebuild even if current")
    index.set_defaults(func=cmd_index)
    command(sub, "chat", "interactive questions").set_defaults(func=cmd_chat)
    fact = command(sub, "fact", "look up a fact: every claim, who makes it, its quote")
    fact.add_argument("query")
    fact.add_argument("--json", action="store_true", help="print the result as JSON")
    fact.set_defaults(func=cmd_fact)
    facts = command(sub, "facts", "curate sources/facts.toml").add_subparsers(
        dest="facts_command", required=True
    )
    sug = command(facts, "suggest", "candidate facts from prose, in facts.toml format")
    sug.add_argument("--all", action="store_true", help="include facts already curated")
    sug.set_defaults(func=cmd_facts_suggest)
    command(facts, "check", "validate facts.toml against the sources").set_defaults(
        func=cmd_facts_check
    )
    ev = command(sub, "eval", "score questions with expected answers (JSONL), in both modes")
    ev.add_argument(
        "files",
        type=Path,
        nargs="*",
        metavar="FILE",
        help="eval files (default: tests/questions.jsonl and the sets in tests/eval/)",
    )
    ev.add_argument("--json", action="store_true")
    ev.add_argument(
        "--half",
        choices=["even", "odd"],
        help="only the even or odd lines of each file (from 0): knobs are fitted on the even",
    )
    ev.set_defaults(func=cmd_eval)
    from bot.discord.previews import PREVIEWS

    pre = command(sub, "preview", "print a Discord message as the bot would send it")
    pre.add_argument(
        "kind", choices=list(PREVIEWS), help="; ".join(f"{k}: {v}" for k, v in PREVIEWS.items())
    )
    pre.add_argument("text", nargs="?", help="the question, or for fact-choices what is typed")
    pre.set_defaults(func=cmd_preview)
    command(sub, "run", "run the Discord bot (settings from .env)").set_defaults(func=cmd_run)
    command(sub, "sync", "register the bot's commands with Discord").set_defaults(func=cmd_sync)
    return parser


def _utf8_stdout() -> None:
    """Output is UTF-8 whatever the locale (a strict C locale would otherwise make the first
    non-ASCII quote a crash, and JSON is UTF-8 by definition)."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _utf8_stdout()
    try:
        return args.func(args)
    except DataFileError as exc:
        print(f"error: {inline(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return EXIT_OK
