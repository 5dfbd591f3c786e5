"""Bad inputs and injected faults against the command-line harness: how many are handled.

Every case builds its own folders, runs `python -m bot ...` in a subprocess (so a crash, a hang
or a traceback is seen as a user sees it) and checks the project's rule for bad input: exit
code 0 with the problem named in a warning when the rest can be served, else one line on stderr
naming the file and exit code 2; never a traceback; nothing the user owns changed or deleted;
and whatever is still good still answered. Faults a root user cannot provoke with chmod (this
machine's CI runs as root) are injected in the child process: `EACCES` on chosen paths, a disk
that is full under a folder, SIGKILL at points of a build.

    .venv/bin/python benchmarks/adversarial.py               # this checkout
    .venv/bin/python benchmarks/adversarial.py --code DIR    # another checkout of the project
    .venv/bin/python benchmarks/adversarial.py -v            # every case, not only failures

It prints one line per failed case and a table of handled / tried per category.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.deep_folders import nested_past_the_path_limit  # noqa: E402

GOOD = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
GOOD_Q = "How many sailboats did the harbor master count?"
TIMEOUT = 120

# Runs bot.cli.main with faults injected from the environment: QB_DENY (paths, os.pathsep
# separated) raise EACCES when opened or listed; QB_READONLY (a folder) refuses to create
# anything under it; QB_FULL (a folder) makes every write under it fail with ENOSPC.
INJECT = r"""
import builtins, errno, io, os, sys
def _paths(name):
    return {os.path.realpath(p) for p in os.environ.get(name, "").split(os.pathsep) if p}
DENY, READONLY, FULL = _paths("QB_DENY"), _paths("QB_READONLY"), _paths("QB_FULL")
def _real(p):
    return None if isinstance(p, int) else os.path.realpath(os.fspath(p))
def _under(p, roots):
    r = _real(p)
    return r is not None and any(r == d or r.startswith(d + os.sep) for d in roots)
def _deny(p):
    raise PermissionError(errno.EACCES, "Permission denied", os.fspath(p))
class _Full:
    def __init__(self, f): self._f = f
    def write(self, data): raise OSError(errno.ENOSPC, "No space left on device")
    def __getattr__(self, name): return getattr(self._f, name)
    def __enter__(self): return self
    def __exit__(self, *exc): self._f.close()
_open, _scandir, _listdir, _mkdir, _replace = io.open, os.scandir, os.listdir, os.mkdir, os.replace
def _fake_open(file, mode="r", *args, **kwargs):
    writing = any(c in mode for c in "wxa+")
    if _real(file) in DENY or (writing and _under(file, READONLY)):
        _deny(file)
    f = _open(file, mode, *args, **kwargs)
    return _Full(f) if writing and _under(file, FULL) else f
def _fake_scandir(path="."):
    if _real(path) in DENY: _deny(path)
    return _scandir(path)
def _fake_listdir(path="."):
    if _real(path) in DENY: _deny(path)
    return _listdir(path)
def _fake_mkdir(path, *args, **kwargs):
    if _under(path, READONLY): _deny(path)
    return _mkdir(path, *args, **kwargs)
def _fake_replace(src, dst, *args, **kwargs):
    if _under(dst, READONLY): _deny(dst)
    return _replace(src, dst, *args, **kwargs)
builtins.open = io.open = _fake_open
os.scandir, os.listdir = _fake_scandir, _fake_listdir
os.mkdir, os.replace = _fake_mkdir, _fake_replace
from bot.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


@dataclass
class Result:
    code: int | None
    out: str
    err: str
    seconds: float

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.err

    def json(self) -> dict:
        return json.loads(self.out)


@dataclass
class Case:
    """One bad input or fault: `run` sets it up and runs the harness, `expect` judges it."""

    category: str
    name: str
    run: Callable[[Path], Result]
    expect: Callable[[Result, Path], str | None]
    """None when handled, else what went wrong."""
    user_files: Callable[[Path], list[Path]] = field(default=lambda tmp: [tmp / "src"])


@dataclass
class Runner:
    """Runs the harness; around each run, checks that the watched user files are unchanged."""

    code: Path
    watch: list[Path] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __call__(
        self,
        tmp: Path,
        *argv: str,
        stdin: bytes = b"",
        env: dict[str, str] | None = None,
        inject: bool = False,
        kill_after: float | None = None,
        script: str | None = None,
        wrap: tuple[str, ...] = (),
    ) -> Result:
        """`python -m bot ARGV` (`inject`: through INJECT; `script`: through that code, run
        with `python -c`) in `tmp`, with a clean environment plus `env`."""
        code = INJECT if inject else script
        command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "bot"]
        command = [*wrap, *command]
        with self.watching():
            return self._run(command, argv, tmp, self.environment(tmp, env), stdin, kill_after)

    def environment(self, tmp: Path, env: dict[str, str] | None = None) -> dict[str, str]:
        """The child's whole environment: only what the case sets, nothing of the caller's."""
        return {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp / "home"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(self.code),
            "QUOTEBOT_CACHE": str(tmp / "qcache"),
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        }

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Records in `changed` the watched user files that what it wraps changed."""
        before = snapshot(self.watch)
        try:
            yield
        finally:
            after = snapshot(self.watch)
            self.changed += sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )

    def converse(self, tmp: Path, argv: list[str], steps: list, prompt: bytes) -> Result:
        """`python -m bot *argv` with its standard input fed step by step: each question's
        reply (up to `prompt`) is read before the next step, which may change the sources."""
        started = time.perf_counter()
        env = self.environment(tmp, {"QUOTEBOT_SEMANTIC": "off"})
        with (
            self.watching(),
            subprocess.Popen(
                [sys.executable, "-m", "bot", *argv],
                cwd=tmp,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            ) as child,
        ):
            assert child.stdin and child.stdout
            seen, wanted = b"", 1 if prompt == b"? " else 0

            def until() -> bool:
                """Read until `prompt` has come `wanted` times; False at the end of the output
                or after TIMEOUT seconds."""
                nonlocal seen
                deadline = time.monotonic() + TIMEOUT
                while seen.count(prompt) < wanted:
                    left = max(0.0, deadline - time.monotonic())
                    ready, _, _ = select.select([child.stdout], [], [], left)
                    chunk = os.read(child.stdout.fileno(), 65536) if ready else b""
                    if not chunk:
                        return False
                    seen += chunk
                return True

            alive = until()
            for step in steps:
                if not alive:
                    break
                if callable(step):
                    step()
                    continue
                child.stdin.write(step)
                child.stdin.flush()
                wanted += 1
                alive = until()
            try:
                rest, err = child.communicate(timeout=TIMEOUT)  # closes standard input: the end
            except subprocess.TimeoutExpired:
                child.kill()
                rest, _ = child.communicate()
                return Result(None, (seen + rest).decode(errors="replace"), "TIMEOUT", TIMEOUT)
        return Result(
            child.returncode,
            (seen + rest).decode("utf-8", errors="replace"),
            err.decode("utf-8", errors="replace"),
            time.perf_counter() - started,
        )

    def _run(
        self,
        command: list[str],
        argv: tuple[str, ...],
        tmp: Path,
        env: dict[str, str],
        stdin: bytes,
        kill_after: float | None,
    ) -> Result:
        started = time.perf_counter()
        child = subprocess.Popen(
            [*command, *argv],
            cwd=tmp,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if kill_after is not None:
            time.sleep(kill_after)
            child.send_signal(signal.SIGKILL)
        try:
            out, err = child.communicate(stdin, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
            return Result(None, out.decode(errors="replace"), "TIMEOUT", TIMEOUT)
        return Result(
            child.returncode,
            out.decode("utf-8", errors="replace"),
            err.decode("utf-8", errors="replace"),
            time.perf_counter() - started,
        )


# --- judging -----------------------------------------------------------------------------


def error_line(*needles: str) -> Callable[[Result, Path], str | None]:
    """Exit 2, one line on stderr containing every needle, no traceback."""

    def judge(r: Result, tmp: Path) -> str | None:
        lines = r.err.strip().splitlines()
        if r.traceback:
            return f"traceback ({lines[-1][:100] if lines else ''})"
        if r.code != 2:
            return f"exit {r.code}, expected 2"
        if len(lines) != 1:
            return f"{len(lines)} lines on stderr"
        missing = [n.format(tmp=tmp) for n in needles if n.format(tmp=tmp) not in lines[0]]
        return f"message lacks {missing}: {lines[0][:140]}" if missing else None

    return judge


def served(
    *warn: str, answered: str | None = GOOD_Q, check: Callable[[Result], str | None] | None = None
) -> Callable[[Result, Path], str | None]:
    """Exit 0, no traceback, a warning containing each of `warn`, and (when given) the
    `--json` answer to the good document's question still answered."""

    def judge(r: Result, tmp: Path) -> str | None:
        if r.traceback:
            return f"traceback ({r.err.strip().splitlines()[-1][:100]})"
        if r.code != 0:
            return f"exit {r.code}: {r.err.strip()[:140]}"
        for needle in warn:
            if needle.format(tmp=tmp) not in r.err:
                return f"no warning with {needle!r}: {r.err.strip()[:140]!r}"
        if answered is not None:
            try:
                answer = r.json()
            except ValueError:
                return "no JSON answer"
            if answer["status"] == "no_answer":
                return "the good source is no longer answered"
        return check(r) if check else None

    return judge


def snapshot(paths: list[Path]) -> dict[str, str]:
    """Every file, folder and link under `paths`, with its content's digest or link target."""
    seen: dict[str, str] = {}
    for top in paths:
        if not top.exists() and not top.is_symlink():
            seen[str(top)] = "absent"
            continue
        for path in [top, *sorted(top.rglob("*"))] if top.is_dir() else [top]:
            if path.is_symlink():
                seen[str(path)] = f"link {os.readlink(path)}"
            elif path.is_dir():
                seen[str(path)] = "dir"
            elif path.is_file():
                seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return folder


def ask(tmp: Path, run: Runner, question: str = GOOD_Q, *extra: str, **kw) -> Result:
    return run(tmp, "--sources", "src", *extra, "ask", question, "--json", **kw)


# --- the cases ---------------------------------------------------------------------------


def cases(run: Runner) -> list[Case]:
    out: list[Case] = []

    def sources_case(category: str, name: str, files: dict[str, str | bytes], expect, **kw):
        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"good.txt": GOOD, **files})
            return ask(tmp, run, **kw)

        out.append(Case(category, name, setup, expect))

    # Cache folder: the user's folders are never written over nor deleted.
    def user_folder(tmp: Path) -> Path:
        return write(
            tmp / "mine",
            {"manifest.json": '{"my": "data"}', "gen-ai/a.md": "Gen AI\n\nIt counted 60 zebras.\n"},
        )

    def cache_is_sources(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD, "gen-ai/a.md": "Gen AI\n\nIt counted 60 zebras.\n"})
        return run(tmp, "--sources", "src", "--cache", "src", "index")

    out.append(
        Case(
            "cache folder",
            "--cache is the sources folder",
            cache_is_sources,
            error_line("src", "sources"),
        )
    )

    def cache_inside_sources(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        return run(tmp, "--sources", "src", "--cache", "src/.idx", "index")

    out.append(
        Case(
            "cache folder",
            "--cache inside the sources folder",
            cache_inside_sources,
            error_line("src/.idx"),
        )
    )

    def cache_user_folder(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        user_folder(tmp)
        return run(tmp, "--sources", "src", "--cache", "mine", "index")

    out.append(
        Case(
            "cache folder",
            "--cache is a folder of the user's (gen-ai/, manifest.json)",
            cache_user_folder,
            error_line("mine"),
            lambda tmp: [tmp / "src", tmp / "mine"],
        )
    )

    def cache_user_manifest_only(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        write(tmp / "mine", {"manifest.json": '{"my": "data"}'})
        return ask(tmp, run, GOOD_Q, "--cache", "mine")

    out.append(
        Case(
            "cache folder",
            "ask --cache a folder holding the user's manifest.json",
            cache_user_manifest_only,
            error_line("mine"),
            lambda tmp: [tmp / "src", tmp / "mine"],
        )
    )

    def cache_project_folder(tmp: Path) -> Result:
        write(tmp / "proj/src", {"good.txt": GOOD})
        write(tmp / "proj", {"notes.txt": "my notes"})
        return run(tmp / "proj", "--sources", "src", "--cache", ".", "index")

    out.append(
        Case(
            "cache folder",
            "--cache is the project folder (parent of sources)",
            cache_project_folder,
            error_line(),
            lambda tmp: [tmp / "proj"],
        )
    )

    def env_cache_in_sources(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD, "gen-keep/x.md": "Keep\n\nKeep me please now.\n"})
        return ask(tmp, run, GOOD_Q, env={"QUOTEBOT_CACHE": str(tmp / "src")})

    out.append(
        Case(
            "cache folder",
            "QUOTEBOT_CACHE is the sources folder",
            env_cache_in_sources,
            error_line("src"),
        )
    )

    def cache_empty(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        (tmp / "fresh").mkdir()
        run(tmp, "--sources", "src", "--cache", "fresh", "index")
        return ask(tmp, run, GOOD_Q, "--cache", "fresh")

    out.append(
        Case("cache folder", "--cache an empty folder (works, reused)", cache_empty, served())
    )

    def cache_new(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        return ask(tmp, run, GOOD_Q, "--cache", "new/deeper")

    out.append(
        Case("cache folder", "--cache a folder that does not exist yet", cache_new, served())
    )

    def cache_is_file(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        write(tmp, {"afile": "mine"})
        return ask(tmp, run, GOOD_Q, "--cache", "afile")

    out.append(
        Case(
            "cache folder",
            "--cache is a file: answered, the file kept",
            cache_is_file,
            served("afile"),
            lambda tmp: [tmp / "src", tmp / "afile"],
        )
    )

    def cache_foreign_gen(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        run(tmp, "--sources", "src", "--cache", "c", "index")
        write(tmp / "c", {"gen-mine/notes.txt": "mine"})
        run(tmp, "--sources", "src", "--cache", "c", "index", "--force")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    out.append(
        Case(
            "cache folder",
            "a gen-* folder the user put in a real cache survives",
            cache_foreign_gen,
            served(check=lambda r: None),
            lambda tmp: [tmp / "src"],
        )
    )
    out[-1].expect = _and(
        out[-1].expect,
        lambda r, tmp: None if (tmp / "c/gen-mine/notes.txt").exists() else "gen-mine deleted",
    )

    def cache_rebuilds_clean(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        for _ in range(3):
            run(tmp, "--sources", "src", "--cache", "c", "index", "--force")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    out.append(
        Case(
            "cache folder",
            "three forced builds leave one generation",
            cache_rebuilds_clean,
            _and(
                served(),
                lambda r, tmp: (
                    None if len(list((tmp / "c").glob("gen-*"))) == 1 else "old generations left"
                ),
            ),
        )
    )

    def cache_symlinked_gen(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        write(tmp / "mine", {"precious.txt": "mine"})
        run(tmp, "--sources", "src", "--cache", "c", "index")
        os.symlink(tmp / "mine", tmp / "c/gen-link")
        run(tmp, "--sources", "src", "--cache", "c", "index", "--force")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    out.append(
        Case(
            "cache folder",
            "a gen-* link in the cache to a user folder",
            cache_symlinked_gen,
            served(),
            lambda tmp: [tmp / "src", tmp / "mine"],
        )
    )

    # Source files: one bad file costs only itself.
    sources_case(
        "source files",
        "not UTF-8 (Latin-1)",
        {"bad.txt": "Caf\xe9 ol\xe9.\n".encode("latin-1")},
        served("bad.txt:1", "UTF-8"),
    )
    sources_case("source files", "empty file", {"empty.md": b""}, served("empty.md", "empty"))
    sources_case("source files", "white space only", {"blank.md": " \n\t\n"}, served("blank.md"))
    sources_case(
        "source files", "all NUL bytes", {"nul.txt": b"\x00" * 5000}, served("nul.txt", "binary")
    )
    sources_case(
        "source files",
        "text with NUL bytes in it",
        {"half.txt": b"Zebra Notes\n\nThe zoo had 12 zebras.\x00\x00\x00\n"},
        served("half.txt", "binary"),
    )
    sources_case(
        "source files",
        "UTF-16 with a BOM",
        {"u16.txt": "Zebra Notes\n\nThe zoo had 12 zebras.\n".encode("utf-16")},
        served("u16.txt"),
    )
    sources_case(
        "source files",
        "UTF-16 without a BOM (valid UTF-8 full of NULs)",
        {"u16le.txt": "Zebra Notes\n\nThe zoo had 12 zebras.\n".encode("utf-16-le")},
        served("u16le.txt", "binary"),
    )
    sources_case("source files", "random bytes", {"rand.txt": os.urandom(4096)}, served("rand.txt"))
    sources_case(
        "source files",
        "control characters throughout",
        {"ctl.txt": "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13)) * 200},
        served("ctl.txt", "binary"),
    )
    sources_case(
        "source files",
        "a folder named like a source (x.txt/)",
        {"x.txt/inner.md": "Inner\n\nThe inner file has 3 lines.\n"},
        served(),
    )
    sources_case(
        "source files",
        "file name with spaces and accents",
        {"réunion du conseil.md": "Conseil\n\nThe council met 4 times.\n"},
        served(),
    )
    sources_case(
        "source files",
        "50 folders deep",
        {"/".join(["d"] * 50) + "/deep.md": "Deep\n\nThe deep file counted 9 owls.\n"},
        served(),
    )
    sources_case(
        "source files", "hidden file ignored", {".secret.txt": "The password is 1234.\n"}, served()
    )

    def unreadable_file(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD, "locked.txt": "Locked\n\nIt had 5 locks.\n"})
        return ask(tmp, run, env={"QB_DENY": str(tmp / "src/locked.txt")}, inject=True)

    out.append(
        Case(
            "source files",
            "unreadable file (EACCES)",
            unreadable_file,
            served("locked.txt", "Permission denied"),
        )
    )

    def fifo(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        os.mkfifo(tmp / "src/pipe.md")
        return ask(tmp, run)

    out.append(
        Case("source files", "a FIFO named pipe.md (no hang, named)", fifo, served("pipe.md"))
    )

    def huge_line(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD, "huge.txt": "word " * 1_000_000})
        return ask(tmp, run)

    out.append(Case("source files", "one 5 MB line", huge_line, served()))

    def many_lines(tmp: Path) -> Result:
        body = "".join(f"Line {i} says the depot has {i} crates.\n" for i in range(50_000))
        write(tmp / "src", {"good.txt": GOOD, "many.txt": "Depot\n\n" + body})
        return ask(tmp, run)

    out.append(Case("source files", "50,000 lines", many_lines, served()))

    # Links: nothing outside the sources folder is read through a link.
    def link_out_file(tmp: Path) -> Result:
        write(tmp / "outside", {"secret.txt": "Secret\n\nThe secret code is 4711 zebras.\n"})
        write(tmp / "src", {"good.txt": GOOD})
        os.symlink(tmp / "outside/secret.txt", tmp / "src/p.txt")
        return ask(tmp, run, "What is the secret code?")

    out.append(
        Case(
            "links",
            "file link out of the sources folder",
            link_out_file,
            served(
                "p.txt",
                answered=None,
                check=lambda r: ("4711" in r.out and "secret quoted") or None,
            ),
            lambda tmp: [tmp / "src", tmp / "outside"],
        )
    )

    def link_out_dir(tmp: Path) -> Result:
        write(tmp / "outside", {"secret.txt": "Secret\n\nThe secret code is 4711 zebras.\n"})
        write(tmp / "src", {"good.txt": GOOD})
        os.symlink(tmp / "outside", tmp / "src/more")
        return ask(tmp, run, "What is the secret code?")

    out.append(
        Case(
            "links",
            "folder link out of the sources folder",
            link_out_dir,
            served(
                "more", answered=None, check=lambda r: ("4711" in r.out and "secret quoted") or None
            ),
            lambda tmp: [tmp / "src", tmp / "outside"],
        )
    )

    def link_etc_passwd(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        os.symlink("/etc/passwd", tmp / "src/p.txt")
        return ask(tmp, run, "root")

    out.append(
        Case(
            "links",
            "ln -s /etc/passwd sources/p.txt",
            link_etc_passwd,
            served(
                "p.txt",
                answered=None,
                check=lambda r: ("/bin/" in r.out and "passwd quoted") or None,
            ),
        )
    )

    def link_inside(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        os.symlink("good.txt", tmp / "src/alias.txt")
        return ask(tmp, run)

    out.append(Case("links", "link to a file inside the folder (served)", link_inside, served()))

    def link_broken(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        os.symlink("nowhere.txt", tmp / "src/broken.txt")
        return ask(tmp, run)

    out.append(Case("links", "broken link", link_broken, served()))

    def link_loop(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        os.symlink(".", tmp / "src/loop")
        return ask(tmp, run)

    out.append(Case("links", "link loop (src/loop -> .)", link_loop, served()))

    # The sources folder itself.
    def folder_missing(tmp: Path) -> Result:
        return run(tmp, "--sources", "nope", "ask", GOOD_Q)

    out.append(Case("sources folder", "missing", folder_missing, error_line("nope")))

    def folder_is_file(tmp: Path) -> Result:
        write(tmp, {"src": "a file"})
        return run(tmp, "--sources", "src", "ask", GOOD_Q)

    out.append(Case("sources folder", "is a file", folder_is_file, error_line("src")))

    def folder_unreadable(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        return run(
            tmp, "--sources", "src", "ask", GOOD_Q, env={"QB_DENY": str(tmp / "src")}, inject=True
        )

    out.append(
        Case(
            "sources folder",
            "unreadable (EACCES)",
            folder_unreadable,
            error_line("src", "Permission denied"),
        )
    )

    def subfolder_unreadable(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD, "sub/x.md": "Sub\n\nThe sub has 2 rooms.\n"})
        return ask(tmp, run, env={"QB_DENY": str(tmp / "src/sub")}, inject=True)

    out.append(
        Case(
            "sources folder",
            "an unreadable subfolder (EACCES)",
            subfolder_unreadable,
            served("sub", "Permission denied"),
        )
    )

    def folder_empty(tmp: Path) -> Result:
        (tmp / "src").mkdir()
        return run(tmp, "--sources", "src", "ask", GOOD_Q)

    out.append(Case("sources folder", "empty", folder_empty, served(answered=None)))

    # sources.toml
    def toml_case(name: str, body: str | bytes, expect, **kw) -> None:
        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"good.txt": GOOD, "sources.toml": body})
            return ask(tmp, run, **kw)

        out.append(Case("sources.toml", name, setup, expect))

    def url_entry(url: str) -> str:
        return f'[[source]]\nfile = "good.txt"\ntitle = "Harbor"\nurl = {json.dumps(url)}\n'

    no_url = lambda r: None if r.json()["snippets"][0]["url"] is None else "bad URL kept"  # noqa: E731
    toml_case("invalid TOML", "[[source]\n", error_line("sources.toml:1"))
    toml_case(
        "nested 5,000 deep", "x = " + "[" * 5000 + "]" * 5000 + "\n", error_line("sources.toml")
    )
    toml_case(
        "not UTF-8",
        b'[[source]]\nfile = "good.txt"\ntitle = "Caf\xe9"\n',
        error_line("sources.toml:3"),
    )
    toml_case("[[source]] not a table list", "source = 3\n", error_line("sources.toml"))
    toml_case("duplicate entry", url_entry("https://a.example/") * 2, error_line("sources.toml:6"))
    toml_case(
        "unknown field",
        '[[source]]\nfile = "good.txt"\ntitle = "H"\nauthor = "me"\n',
        error_line("sources.toml:4"),
    )
    toml_case(
        "entry for a missing file",
        '[[source]]\nfile = "gone.txt"\ntitle = "Gone"\n',
        served("gone.txt"),
    )
    toml_case(
        "url of 600 characters",
        url_entry("https://a.example/" + "a" * 600),
        served("sources.toml:4", check=no_url),
    )
    toml_case(
        "url with a space",
        url_entry("https://a.example/a b"),
        served("sources.toml:4", check=no_url),
    )
    toml_case(
        "url with a newline",
        url_entry("https://a.example/\nb"),
        served("sources.toml:4", check=no_url),
    )
    toml_case(
        "url javascript:", url_entry("javascript:alert(1)"), served("sources.toml:4", check=no_url)
    )
    toml_case(
        "url without a host", url_entry("https:///path"), served("sources.toml:4", check=no_url)
    )
    toml_case("url ftp://", url_entry("ftp://a.example/x"), served("sources.toml:4", check=no_url))
    toml_case(
        "url with a control character",
        url_entry("https://a.example/\x1b[31m"),
        served("sources.toml:4", check=no_url),
    )
    toml_case(
        "url with a bad port",
        url_entry("https://a.example:99999/"),
        served("sources.toml:4", check=no_url),
    )
    toml_case(
        "good url kept",
        url_entry("https://a.example/x"),
        served(check=lambda r: None if r.json()["snippets"][0]["url"] else "good URL lost"),
    )

    # facts.toml: a bad source costs only itself and the facts that cite it.
    fact = (
        '[[fact]]\nsubject = "Zoo"\nmeasure = "zebras"\nvalue = "12"\nclaimed_by = "Zoo"\n'
        'source = "{source}"\nquote = "The zoo had 12 zebras."\n'
    )
    harbor_fact = (
        '[[fact]]\nsubject = "Harbor"\nmeasure = "sailboats"\nvalue = "31"\nclaimed_by = "HM"\n'
        'source = "good.txt"\nquote = "The harbor master counted 31 sailboats in June."\n'
    )

    def facts_case(name: str, files: dict[str, str | bytes], expect, **kw) -> None:
        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"good.txt": GOOD, **files})
            return ask(tmp, run, **kw)

        out.append(Case("facts.toml", name, setup, expect))

    zoo = b"Zoo Notes\n\nThe zoo had 12 zebras.\n"
    facts_case(
        "cites a source that is not UTF-8",
        {"zoo.txt": zoo + b"Caf\xe9\n", "facts.toml": fact.format(source="zoo.txt") + harbor_fact},
        served("zoo.txt", "UTF-8"),
    )
    facts_case(
        "cites an empty source",
        {"zoo.txt": b"", "facts.toml": fact.format(source="zoo.txt") + harbor_fact},
        served("zoo.txt", "empty"),
    )
    facts_case(
        "cites a binary source",
        {"zoo.txt": zoo + b"\x00" * 100, "facts.toml": fact.format(source="zoo.txt")},
        served("zoo.txt", "binary"),
    )

    def facts_unreadable_source(tmp: Path) -> Result:
        write(
            tmp / "src",
            {"good.txt": GOOD, "zoo.txt": zoo, "facts.toml": fact.format(source="zoo.txt")},
        )
        return ask(tmp, run, env={"QB_DENY": str(tmp / "src/zoo.txt")}, inject=True)

    out.append(
        Case(
            "facts.toml",
            "cites an unreadable source (EACCES)",
            facts_unreadable_source,
            served("zoo.txt", "Permission denied"),
        )
    )

    def facts_linked_source(tmp: Path) -> Result:
        write(tmp / "outside", {"zoo.txt": zoo})
        write(tmp / "src", {"good.txt": GOOD, "facts.toml": fact.format(source="zoo.txt")})
        os.symlink(tmp / "outside/zoo.txt", tmp / "src/zoo.txt")
        return ask(tmp, run)

    out.append(
        Case(
            "facts.toml",
            "cites a link out of the folder",
            facts_linked_source,
            served("zoo.txt"),
            lambda tmp: [tmp / "src", tmp / "outside"],
        )
    )
    facts_case(
        "cites no such source",
        {"facts.toml": fact.format(source="nope.txt")},
        error_line("facts.toml:6", "nope.txt"),
    )
    facts_case(
        "nested 5,000 deep",
        {"facts.toml": "x = " + "[" * 5000 + "]" * 5000 + "\n"},
        error_line("facts.toml"),
    )
    facts_case("not UTF-8", {"facts.toml": b"# caf\xe9\n"}, error_line("facts.toml:1"))
    facts_case("invalid TOML", {"facts.toml": "[[fact]\n"}, error_line("facts.toml:1"))
    facts_case(
        "quote not in its source",
        {"facts.toml": harbor_fact.replace("31 sailboats", "32 sailboats").replace('"31"', '"32"')},
        error_line("facts.toml:7", "quote not found"),
    )

    for name, body in (
        ("sources.toml", url_entry("https://a.example/")),
        ("facts.toml", harbor_fact),
    ):

        def unreadable(tmp: Path, name: str = name, body: str = body) -> Result:
            write(tmp / "src", {"good.txt": GOOD, name: body})
            return ask(tmp, run, env={"QB_DENY": str(tmp / "src" / name)}, inject=True)

        def folder(tmp: Path, name: str = name) -> Result:
            write(tmp / "src", {"good.txt": GOOD})
            (tmp / "src" / name).mkdir()
            return ask(tmp, run)

        category = name
        out.append(
            Case(category, "unreadable (EACCES)", unreadable, error_line(name, "Permission denied"))
        )
        out.append(Case(category, "is a folder", folder, error_line(name)))

    # Command line.
    def cli(name: str, setup: Callable[[Path], Result], expect) -> None:
        out.append(Case("command line", name, setup, expect))

    def with_good(tmp: Path) -> None:
        write(tmp / "src", {"good.txt": GOOD})

    cli(
        "eval /nope",
        lambda tmp: (with_good(tmp), run(tmp, "--sources", "src", "eval", "/nope"))[1],
        error_line("/nope"),
    )
    cli(
        "eval a folder",
        lambda tmp: (with_good(tmp), run(tmp, "--sources", "src", "eval", "src"))[1],
        error_line("src"),
    )

    def eval_file(body: bytes) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            with_good(tmp)
            (tmp / "q.jsonl").write_bytes(body)
            return run(tmp, "--sources", "src", "eval", "q.jsonl")

        return setup

    cli(
        "eval file not UTF-8",
        eval_file(b'{"question": "ok"}\n{"question": "caf\xe9"}\n'),
        error_line("q.jsonl:2"),
    )
    cli(
        "eval file with a bad JSON line",
        eval_file(b'{"question": "ok"}\n{oops\n'),
        error_line("q.jsonl:2"),
    )
    cli("eval file that is a JSON list", eval_file(b"[1, 2]\n"), error_line("q.jsonl:1"))

    def jsonl(stdin: bytes, env: dict[str, str] | None = None) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            with_good(tmp)
            return run(tmp, "--sources", "src", "ask", "--jsonl", stdin=stdin, env=env)

        return setup

    def lines_out(n: int, errors: int) -> Callable[[Result, Path], str | None]:
        def judge(r: Result, tmp: Path) -> str | None:
            if r.traceback or r.code != 0:
                return f"exit {r.code}, traceback {r.traceback}"
            try:
                rows = [json.loads(line) for line in r.out.splitlines()]
            except ValueError:
                return "output is not JSON lines"
            if len(rows) != n:
                return f"{len(rows)} lines out, expected {n}"
            bad = sum("error" in row for row in rows)
            return None if bad == errors else f"{bad} error lines, expected {errors}"

        return judge

    q = GOOD_Q.encode()
    cli(
        "ask --jsonl with a line of bad UTF-8",
        jsonl(q + b"\n\xff\xfe question\n" + q + b"\n"),
        lines_out(3, 1),
    )
    strict = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"}
    cli(
        "ask --jsonl, strict locale, non-ASCII question",
        jsonl(q + b"\n" + "Combien de bateaux à voile ?".encode() + b"\n" + q + b"\n", strict),
        lines_out(3, 0),
    )
    cli(
        "ask --jsonl, strict locale, bad byte",
        jsonl(q + b"\n\xe9t\xe9\n" + q + b"\n", strict),
        lines_out(3, 1),
    )
    cli(
        "ask --jsonl with NUL and escape bytes",
        jsonl(q + b"\x00\x1b[2J\n" + q + b"\n"),
        lines_out(2, 0),
    )
    cli(
        "ask --jsonl with a 2 MB line",
        jsonl(b"sailboats " * 200_000 + b"\n" + q + b"\n"),
        lines_out(2, 0),
    )
    cli("ask --jsonl with CRLF lines", jsonl(q + b"\r\n" + q + b"\r\n"), lines_out(2, 0))

    def strict_text(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": GOOD.replace("June.", "June’s end.")})
        return run(tmp, "--sources", "src", "ask", GOOD_Q, env=strict)

    cli(
        "ask (text), strict locale, non-ASCII quote",
        strict_text,
        lambda r, tmp: (
            None
            if r.code == 0 and not r.traceback and "31" in r.out
            else f"exit {r.code}, traceback {r.traceback}"
        ),
    )

    def after(argv: list[str]) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            with_good(tmp)
            return run(tmp, *argv)

        return setup

    def ok_json(r: Result, tmp: Path) -> str | None:
        if r.code == 0 and r.json()["status"] == "answered":
            return None
        return f"exit {r.code}: {r.err[:120]}"

    cli(
        "ask Q --cache DIR (global option after the command)",
        after(["--sources", "src", "ask", GOOD_Q, "--json", "--cache", "c2"]),
        ok_json,
    )
    cli(
        "ask Q --sources DIR (global option after the command)",
        after(["ask", GOOD_Q, "--json", "--sources", "src"]),
        ok_json,
    )
    cli(
        "index --sources DIR --cache DIR",
        after(["index", "--sources", "src", "--cache", "c3"]),
        lambda r, tmp: None if r.code == 0 and (tmp / "c3").is_dir() else f"exit {r.code}",
    )
    cli(
        "ask with an empty question",
        after(["--sources", "src", "ask", "", "--json"]),
        lambda r, tmp: (
            None if r.code == 0 and r.json()["status"] == "no_answer" else "not declined"
        ),
    )
    cli(
        "ask with escapes only",
        after(["--sources", "src", "ask", "\x1b[2J\x07", "--json"]),
        lambda r, tmp: (
            None if r.code == 0 and r.json()["status"] == "no_answer" else "not declined"
        ),
    )

    def inert(stream: str, shown: str) -> Callable[[Result, Path], str | None]:
        """Exit 0, `shown` printed, and no raw C0/C1 control but newline and tab on `stream`."""

        def judge(r: Result, tmp: Path) -> str | None:
            text = r.out if stream == "out" else r.err
            raw = sorted({hex(ord(c)) for c in text if _control(c)})
            if r.code != 0 or r.traceback:
                return f"exit {r.code}"
            if shown not in r.out:
                return f"{shown!r} not shown"
            return f"raw controls printed: {raw}" if raw else None

        return judge

    def escapes(files: dict[str, str | bytes], *argv: str, stdin: bytes = b"") -> Callable:
        def setup(tmp: Path) -> Result:
            write(tmp / "src", files)
            return run(tmp, "--sources", "src", *argv, stdin=stdin)

        return setup

    trap = GOOD.replace("Ferries", "\x1b]0;pwned\x07\x1b[2J\x9b31m Ferries")
    cli(
        "terminal escapes in a source, ask (text)",
        escapes({"good.txt": trap}, "ask", "Which ferries ran hourly?"),
        inert("out", "hourly"),
    )
    cli(
        "terminal escapes in a source, chat",
        escapes({"good.txt": trap}, "chat", stdin=b"Which ferries ran hourly?\n\n"),
        inert("out", "hourly"),
    )
    cli(
        "terminal escapes in a source, fact card",
        escapes(
            {
                "good.txt": trap,
                "facts.toml": harbor_fact.replace("HM", "HM\\u001b[2J"),
            },
            "fact",
            "sailboats",
        ),
        inert("out", "31"),
    )
    titled = '[[source]]\nfile = "good.txt"\ntitle = "H\\u001b[2J"\npublisher = "P\\u009b1m"\n'
    cli(
        "terminal escapes in a title, ask (text)",
        escapes({"good.txt": GOOD, "sources.toml": titled}, "ask", GOOD_Q),
        inert("out", "31"),
    )
    cli(
        "terminal escapes in a title, sources",
        escapes({"good.txt": GOOD, "sources.toml": titled}, "sources"),
        inert("out", "good.txt"),
    )
    cli(
        "terminal escapes in a file name (warning)",
        escapes({"good.txt": GOOD, "\x1b[2Jbad.txt": b"\xff"}, "ask", GOOD_Q),
        inert("err", "31"),
    )

    # Text hygiene: lines, offsets and normalisation.
    def cites(text: bytes, question: str) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"doc.txt": text})
            return run(tmp, "--sources", "src", "ask", question, "--json")

        return setup

    def cited(text: bytes, figure: str) -> Callable[[Result, Path], str | None]:
        """The first quote holds `figure`, its offsets hold in the text decoded from the bytes,
        and its line counts every line break before it (CRLF, CR or LF)."""

        def judge(r: Result, tmp: Path) -> str | None:
            if r.code != 0 or r.traceback:
                return f"exit {r.code}"
            answer = r.json()
            if not answer["snippets"]:
                return "declined"
            s = answer["snippets"][0]
            decoded = text.decode("utf-8")
            if decoded[s["start"] : s["end"]] != s["quote"]:
                return "offsets do not hold"
            if figure not in s["quote"]:
                return f"quote without {figure!r}"
            line = len(re.findall(r"\r\n|\r|\n", decoded[: s["start"]])) + 1
            return None if s["line"] == line else f"cited line {s['line']}, expected {line}"

        return judge

    body = ["Depot Notes", "", "The depot opened in 1911.", "It had a clock.", "It had two gates."]
    body += ["It was painted red.", "", "It held 70 wagons by 1920."]
    for name, sep, bom in [
        ("LF", "\n", b""),
        ("CRLF", "\r\n", b""),
        ("CR only", "\r", b""),
        ("BOM + CRLF", "\r\n", b"\xef\xbb\xbf"),
    ]:
        text = bom + sep.join(body).encode() + sep.encode()
        out.append(
            Case(
                "text hygiene",
                f"{name}: line and offsets of a quote",
                cites(text, "How many wagons did the depot hold?"),
                cited(text, "70 wagons"),
            )
        )
    soft = "Depot Notes\n\nThe depot logged 44 de\u00adtainer requests.\n".encode()
    out.append(
        Case(
            "text hygiene",
            "soft hyphen in the question",
            cites(
                soft.replace("de\u00adtainer".encode(), b"detainer"),
                "How many de\u00adtainer requests?",
            ),
            cited(soft.replace("de\u00adtainer".encode(), b"detainer"), "44"),
        )
    )
    out.append(
        Case(
            "text hygiene",
            "soft hyphen in the source",
            cites(soft, "How many detainer requests?"),
            cited(soft, "44"),
        )
    )
    zw = "Depot Notes\n\nThe depot logged 44 con\u200btainers.\n".encode()
    out.append(
        Case(
            "text hygiene",
            "zero-width space in the source",
            cites(zw, "How many containers?"),
            cited(zw, "44"),
        )
    )
    wide = b"Depot Notes\n\nThe depot logged 44 containers.\n"
    out.append(
        Case(
            "text hygiene",
            "fullwidth question",
            cites(wide, "How many ｃｏｎｔａｉｎｅｒｓ?"),
            cited(wide, "44"),
        )
    )

    # Injected faults: a save that fails, a build that is killed.
    def save_fails(argv: list[str], env_key: str) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            with_good(tmp)
            (tmp / "c").mkdir()
            return run(
                tmp,
                "--sources",
                "src",
                "--cache",
                "c",
                *argv,
                env={env_key: str(tmp / "c")},
                inject=True,
            )

        return setup

    def no_partial(judge):
        def check(r: Result, tmp: Path) -> str | None:
            left = [p.name for p in (tmp / "c").iterdir() if p.name.startswith((".gen", "gen-"))]
            return judge(r, tmp) or (f"partial files left: {left}" if left else None)

        return check

    out.append(
        Case(
            "faults",
            "disk full while saving, ask",
            save_fails(["ask", GOOD_Q, "--json"], "QB_FULL"),
            no_partial(served("could not be saved")),
        )
    )
    out.append(
        Case(
            "faults",
            "disk full while saving, index",
            save_fails(["index"], "QB_FULL"),
            no_partial(error_line("c", "No space left")),
        )
    )
    out.append(
        Case(
            "faults",
            "cache not writable, ask",
            save_fails(["ask", GOOD_Q, "--json"], "QB_READONLY"),
            served("could not be saved"),
        )
    )
    out.append(
        Case(
            "faults",
            "cache not writable, index",
            save_fails(["index"], "QB_READONLY"),
            error_line("c", "Permission denied"),
        )
    )

    def corpus(folder: Path, n: int) -> None:
        for i in range(n):
            text = f"Depot {i}\n\n" + "".join(
                f"Clerk {i} logged {j} crates of item {i * 31 + j} on day {j}. " for j in range(40)
            )
            write(folder, {f"d{i:03}.txt": text + "\n"})

    for at in (0.3, 0.8, 1.5, 2.5):

        def killed(tmp: Path, at: float = at) -> Result:
            corpus(tmp / "src", 150)
            run(tmp, "--sources", "src", "--cache", "c", "index")
            (tmp / "src/d000.txt").write_text("Depot\n\nThe depot logged 5 zebras.\n")
            run(tmp, "--sources", "src", "--cache", "c", "index", kill_after=at)
            return run(tmp, "--sources", "src", "--cache", "c", "ask", "How many zebras?", "--json")

        out.append(
            Case(
                "faults",
                f"build killed (SIGKILL) after {at} s, then ask",
                killed,
                lambda r, tmp: (
                    None if r.code == 0 and "5 zebras" in r.out else f"exit {r.code}: {r.err[:100]}"
                ),
                lambda tmp: [],
            )
        )

    def corrupt_manifest(tmp: Path) -> Result:
        with_good(tmp)
        run(tmp, "--sources", "src", "--cache", "c", "index")
        (tmp / "c/manifest.json").write_text("{truncated")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    out.append(Case("faults", "corrupt manifest.json", corrupt_manifest, served("rebuilt")))
    out.extend(more_cases(run, GOOD))
    out.extend(files_facts_and_names_cases(run, GOOD))
    out.extend(discord_cases(run))
    out.extend(cache_marker_cases(run))
    out.extend(cache_link_cases(run))
    out.extend(vector_cache_cases(run))
    out.extend(full_disk_cases(run))
    return out


def more_cases(run: Runner, good: str) -> list[Case]:
    """The second round: links to and of folders, concurrency, odd files, odd output."""
    out: list[Case] = []

    def add(category: str, name: str, setup, expect, user=None) -> None:
        out.append(Case(category, name, setup, expect, user or (lambda tmp: [tmp / "src"])))

    def cache_link_to_sources(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        os.symlink(tmp / "src", tmp / "c")
        return run(tmp, "--sources", "src", "--cache", "c", "index")

    add(
        "cache folder",
        "--cache is a link to the sources folder",
        cache_link_to_sources,
        error_line("inside the sources folder"),
    )

    def sources_is_link(tmp: Path) -> Result:
        write(tmp / "real", {"good.txt": good})
        os.symlink(tmp / "real", tmp / "src")
        return ask(tmp, run)

    add(
        "sources folder",
        "the sources folder is a link",
        sources_is_link,
        served(),
        lambda tmp: [tmp / "real"],
    )

    def concurrent(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        env = run.environment(tmp)
        argv = [sys.executable, "-m", "bot", "--sources", "src", "index", "--force"]
        children = [
            subprocess.Popen(
                argv, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            for _ in range(3)
        ]
        codes = [c.wait(timeout=TIMEOUT) for c in children]
        errs = [c.stderr.read().decode() for c in children if c.stderr]
        result = ask(tmp, run)
        if codes != [0, 0, 0] or any("Traceback" in e for e in errs):
            return Result(1, result.out, f"concurrent builds: {codes}", result.seconds)
        return result

    add(
        "faults",
        "three `index --force` at once",
        concurrent,
        _and(
            served(),
            lambda r, tmp: (
                None
                if len(list((tmp / "qcache").glob("*/gen-*"))) == 1
                else "more than one generation left"
            ),
        ),
    )

    def gen_is_file(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        run(tmp, "--sources", "src", "--cache", "c", "index")
        (generation,) = (tmp / "c").glob("gen-*")
        shutil.rmtree(generation)
        generation.write_text("not a folder")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    add("faults", "the current generation replaced by a file", gen_is_file, served("rebuilt"))

    def odd(name: str, files: dict[str, str | bytes], expect) -> None:
        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"good.txt": good, **files})
            return ask(tmp, run)

        add("source files", name, setup, expect)

    odd("a BOM and nothing else", {"bom.txt": b"\xef\xbb\xbf"}, served("bom.txt"))
    odd(
        "a BOM, then CR-only lines with a bad byte on line 3",
        {"cr.txt": b"\xef\xbb\xbfA\rB\rC\xff\r"},
        served("cr.txt:3", "UTF-8"),
    )
    odd(
        "a file name of 250 characters",
        {"n" * 246 + ".txt": "Names\n\nIt had 4 names.\n"},
        served(),
    )

    def bom_title(tmp: Path) -> Result:
        write(
            tmp / "src", {"doc.md": b"\xef\xbb\xbf# Depot Notes\n\nThe depot logged 44 crates.\n"}
        )
        return run(tmp, "--sources", "src", "ask", "How many crates?", "--json")

    add(
        "text hygiene",
        "a BOM before the first heading",
        bom_title,
        lambda r, tmp: (
            None
            if r.code == 0
            and r.json()["snippets"]
            and r.json()["snippets"][0]["title"] == "Depot Notes"
            and "\ufeff" not in r.json()["snippets"][0]["quote"]
            else f"title or quote wrong: {r.out[:200]}"
        ),
    )

    def bidi_question(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        return ask(tmp, run, "How many \u202esailboats\u202c did the harbor master count?")

    add("text hygiene", "bidi override characters in the question", bidi_question, served())

    def suggest_escapes(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good.replace("31 sailboats", "31 sailboats \x1b[2J\x9b1m")})
        return run(tmp, "--sources", "src", "facts", "suggest")

    def toml_inert(r: Result, tmp: Path) -> str | None:
        import tomllib

        if r.code != 0 or r.traceback:
            return f"exit {r.code}"
        raw = sorted({hex(ord(c)) for c in r.out if _control(c)})
        if raw:
            return f"raw controls printed: {raw}"
        try:
            facts = tomllib.loads(r.out).get("fact", [])
        except tomllib.TOMLDecodeError as exc:
            return f"output is not TOML: {exc}"
        return None if facts else "no candidate"

    add("command line", "terminal escapes in a source, facts suggest", suggest_escapes, toml_inert)

    def discord_escapes(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good.replace("June.", "June. \x1b[2J")})
        return run(tmp, "--sources", "src", "ask", GOOD_Q, "--format", "discord")

    add(
        "command line",
        "ask --format discord over escapes (valid JSON)",
        discord_escapes,
        lambda r, tmp: None if r.code == 0 and json.loads(r.out) else f"exit {r.code}",
    )

    def huge_argv(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        return ask(tmp, run, "sailboats " * 12_000)

    add(
        "command line",
        "a 120 kB question on the command line",
        huge_argv,
        lambda r, tmp: (
            None if r.code == 0 and "characters" in r.json()["note"] else f"exit {r.code}"
        ),
    )

    def empty_fact(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        return run(tmp, "--sources", "src", "fact", "   ")

    add("command line", "fact with an empty query", empty_fact, error_line("empty"))

    def many_entries(tmp: Path) -> Result:
        entries = "".join(f'[[source]]\nfile = "gone{i}.txt"\ntitle = "G"\n' for i in range(5000))
        write(tmp / "src", {"good.txt": good, "sources.toml": entries})
        return ask(tmp, run)

    add(
        "sources.toml",
        "5,000 entries for missing files",
        many_entries,
        _and(served("gone4999.txt"), lambda r, tmp: None if r.seconds < 60 else "too slow"),
    )

    def many_facts(tmp: Path) -> Result:
        fact = (
            '[[fact]]\nsubject = "Z"\nmeasure = "m{i}"\nvalue = "1"\nclaimed_by = "Z"\n'
            'source = "bad.txt"\nquote = "1"\n'
        )
        write(
            tmp / "src",
            {
                "good.txt": good,
                "bad.txt": b"\xff",
                "facts.toml": "".join(fact.format(i=i) for i in range(2000)),
            },
        )
        return ask(tmp, run)

    add(
        "facts.toml",
        "2,000 facts citing one bad source: one warning",
        many_facts,
        _and(
            served("its 2000 curated facts"),
            lambda r, tmp: None if r.err.count("curated fact") == 1 else "not one warning",
        ),
    )

    return out


def files_facts_and_names_cases(run: Runner, good: str) -> list[Case]:
    """Issue 21's cases of files read from the sources folder, big fact books, sources that
    change under a running process, and odd paths and names."""
    out: list[Case] = []
    zoo = "Zoo Notes\n\nThe zoo had 12 zebras. The zoo had 3 lions.\n"
    zoo_q = "How many zebras did the zoo have?"

    def add(category: str, name: str, setup, expect, user=None) -> None:
        out.append(Case(category, name, setup, expect, user or (lambda tmp: [tmp / "src"])))

    # Every file read from the folder obeys its link rule: facts.toml and sources.toml too.
    harbor_fact = (
        '[[fact]]\nsubject = "Harbor"\nmeasure = "sailboats"\nvalue = "31"\nclaimed_by = "HM"\n'
        'source = "good.txt"\nquote = "The harbor master counted 31 sailboats in June."\n'
    )
    for name, body in (
        ("facts.toml", harbor_fact),
        ("sources.toml", '[[source]]\nfile = "good.txt"\ntitle = "Harbor"\n'),
    ):

        def linked_out(tmp: Path, name: str = name, body: str = body) -> Result:
            write(tmp / "outside", {name: body})
            write(tmp / "src", {"good.txt": good})
            os.symlink(tmp / "outside" / name, tmp / "src" / name)
            return ask(tmp, run)

        add(
            name,
            "a link out of the sources folder (not followed)",
            linked_out,
            error_line(name, "outside the sources folder"),
            lambda tmp: [tmp / "src", tmp / "outside"],
        )

    for name in ("facts.toml", "sources.toml"):

        def named_pipe(tmp: Path, name: str = name) -> Result:
            write(tmp / "src", {"good.txt": good})
            os.mkfifo(tmp / "src" / name)  # read, it would wait for a writer: no answer ever
            return ask(tmp, run)

        add(name, "a named pipe (not read, no hang)", named_pipe, error_line(name, "named pipe"))

    def fact_through_folder_link(tmp: Path) -> Result:
        write(tmp / "outside", {"zoo.txt": b"Caf\xe9\n"})
        write(
            tmp / "src",
            {"good.txt": good, "facts.toml": harbor_fact.replace("good.txt", "more/zoo.txt")},
        )
        os.symlink(tmp / "outside", tmp / "src/more")
        return ask(tmp, run)

    add(
        "facts.toml",
        "cites a file through a folder link out (not read)",
        fact_through_folder_link,
        _and(
            served("more: a link to", "curated fact"),
            lambda r, tmp: "read through the link" if "UTF-8" in r.err else None,
        ),
        lambda tmp: [tmp / "src", tmp / "outside"],
    )

    # Big fact books and long missing quotes: seconds, not hours.
    def ledger(sentences: int) -> tuple[str, list[str]]:
        lines = [
            f"Clerk {i} logged {i * 7 % 1000} crates of item {i * 31 % 977} on day {i % 28 + 1}."
            for i in range(sentences)
        ]
        return "Ledger\n\n" + "\n".join(lines) + "\n", lines

    def fact_entry(i: int, quote: str) -> str:
        return (
            f'[[fact]]\nsubject = "Clerk {i}"\nmeasure = "crates"\nvalue = "crates"\n'
            f'claimed_by = "Ledger"\nsource = "ledger.txt"\nquote = {json.dumps(quote)}\n\n'
        )

    def long_missing_quote(tmp: Path) -> Result:
        text, _ = ledger(36_000)  # 2 MB
        quote = text[600_000:800_000]
        slip = quote.index("crates", 100_000)
        quote = quote[:slip] + "barrels" + quote[slip + 6 :]
        write(
            tmp / "src", {"good.txt": good, "ledger.txt": text, "facts.toml": fact_entry(0, quote)}
        )
        return run(tmp, "--sources", "src", "--semantic", "off", "facts", "check")

    add(
        "facts.toml",
        "a 200 kB quote missing from a 2 MB source (facts check)",
        long_missing_quote,
        _and(
            error_line("facts.toml:7", "quote not found", "verbatim"),
            lambda r, tmp: None if r.seconds < 60 else f"{r.seconds:.0f} s",
        ),
    )

    def big_book(tmp: Path) -> Result:
        text, lines = ledger(12_000)
        book = "".join(fact_entry(i, lines[i]) for i in range(10_000))
        write(tmp / "src", {"good.txt": good, "ledger.txt": text, "facts.toml": book})
        return run(tmp, "--sources", "src", "--semantic", "off", "facts", "check")

    add(
        "facts.toml",
        "10,000 curated facts (facts check)",
        big_book,
        lambda r, tmp: (
            f"exit {r.code}: {r.err.strip()[-140:]}"
            if r.code != 0 or "10000 curated facts OK" not in r.out
            else (None if r.seconds < 60 else f"{r.seconds:.0f} s")
        ),
    )

    # Sources that change under a running process: only what quotes them fails.
    def rewrite_in_place(path: Path) -> None:
        with open(path, "r+", encoding="utf-8") as f:
            f.write("Zoo Notes\n\nThe zoo had 40 zebras.\n")
            f.truncate()

    def rename_over(path: Path) -> None:
        write(path.parent, {"new.tmp": "Zoo Notes\n\nThe zoo had 40 zebras.\n"})
        os.replace(path.parent / "new.tmp", path)

    changes = {
        "removed": lambda path: path.unlink(),
        "rewritten in place": rewrite_in_place,
        "truncated": lambda path: os.truncate(path, 4),
        "replaced (renamed over)": rename_over,
    }

    def one_line_lost(r: Result, tmp: Path) -> str | None:
        if r.traceback or r.code != 0:
            return f"exit {r.code}: {r.err.strip()[-140:]}"
        replies = [json.loads(line) for line in r.out.splitlines()]
        statuses = [reply.get("status", f"error line {reply.get('line')}") for reply in replies]
        expected = ["answered", "answered", "error line 3", "answered"]
        return None if statuses == expected else f"replies {statuses}"

    def jsonl(act: Callable[[Path], None], quoted_first: bool) -> Callable[[Path], Result]:
        """Index, then ask: the good source, (the zoo when `quoted_first`), the change, the zoo
        and the good source again."""

        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"good.txt": good, "zoo.txt": zoo})
            run(tmp, "--sources", "src", "--semantic", "off", "index")
            first = zoo_q if quoted_first else GOOD_Q
            steps: list = [f"{first}\n".encode(), f"{GOOD_Q}\n".encode()]
            steps += [lambda: act(tmp / "src/zoo.txt"), f"{zoo_q}\n".encode()]
            steps.append(f"{GOOD_Q}\n".encode())
            return run.converse(tmp, ["--sources", "src", "ask", "--jsonl"], steps, b"\n")

        return setup

    for change, act in changes.items():
        # Quoted before the change (mapped), a file removed or renamed over is still served as
        # indexed, one changed in place is refused; one never quoted before is refused.
        quoted_first = change in ("rewritten in place", "truncated")
        add(
            "changing sources",
            f"a source {change} under ask --jsonl",
            jsonl(act, quoted_first),
            one_line_lost,
            lambda tmp: [tmp / "src/good.txt"],
        )

    def next_start(tmp: Path) -> Result:
        jsonl(rewrite_in_place, True)(tmp)
        return run(tmp, "--sources", "src", "--semantic", "off", "ask", zoo_q, "--json")

    add(
        "changing sources",
        "the next start after a source rewritten in place",
        next_start,
        lambda r, tmp: None if r.code == 0 and "40 zebras" in r.out else f"exit {r.code}",
        lambda tmp: [tmp / "src/good.txt"],
    )

    def chat(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good, "zoo.txt": zoo})
        run(tmp, "--sources", "src", "--semantic", "off", "index")
        steps = [lambda: (tmp / "src/zoo.txt").unlink(), f"{zoo_q}\n".encode()]
        steps += [f"{GOOD_Q}\n".encode(), b"\n"]
        return run.converse(tmp, ["--sources", "src", "chat"], steps, b"? ")

    add(
        "changing sources",
        "a source removed under chat",
        chat,
        lambda r, tmp: (
            None
            if r.code == 0 and not r.traceback and "zoo.txt" in r.err and "31 sailboats" in r.out
            else f"exit {r.code}: {r.err.strip()[-140:]}"
        ),
        lambda tmp: [tmp / "src/good.txt"],
    )

    # Paths the OS refuses and names that are not UTF-8 cost only themselves.
    def past_path_limit(tmp: Path) -> Result:
        write(tmp / "src", {"good.txt": good})
        nested_past_the_path_limit(tmp / "src", b"Deep\n\nThe deep file counted 9 owls.\n")
        return ask(tmp, run)

    add(
        "source files",
        "a file nested past the OS path limit",
        past_path_limit,
        served("File name too long"),
        lambda tmp: [tmp / "src/good.txt"],
    )
    for label, name in (
        ("a file name that is not UTF-8", b"caf\xe9.txt"),
        ("a folder name that is not UTF-8", b"d\xff/inner.txt"),
    ):

        def undecodable(tmp: Path, name: bytes = name) -> Result:
            write(tmp / "src", {"good.txt": good, os.fsdecode(name): zoo})
            return ask(tmp, run)

        shown = name.split(b"/")[0].decode("utf-8", "backslashreplace")
        add("source files", label, undecodable, served(shown, "not UTF-8"))

    def undecodable_folder(tmp: Path) -> Result:
        folder = os.fsdecode(b"caf\xe9")
        write(tmp / folder, {"good.txt": good})
        return run(tmp, "--sources", folder, "ask", GOOD_Q, "--json")

    def undecodable_folder_checked(tmp: Path) -> Result:
        folder = os.fsdecode(b"caf\xe9")
        write(tmp / folder, {"good.txt": good, "facts.toml": harbor_fact})
        return run(tmp, "--sources", folder, "facts", "check")

    for label, setup, expect in (
        ("its own name is not UTF-8", undecodable_folder, served()),
        (
            "its own name is not UTF-8 (facts check)",
            undecodable_folder_checked,
            lambda r, tmp: (
                None
                if r.code == 0 and r.out.startswith("caf\\xe9/facts.toml: 1 curated facts OK")
                else f"exit {r.code}: {(r.err or r.out).strip()[-140:]}"
            ),
        ),
    ):
        add("sources folder", label, setup, expect, lambda tmp: [tmp / os.fsdecode(b"caf\xe9")])

    # A line break in a name or title never prints a line of its own.
    fake = "\nFAKE line"
    titled = f'[[source]]\nfile = "good.txt"\ntitle = {json.dumps("Harbor" + fake)}\n'

    def no_fake_line(r: Result, tmp: Path) -> str | None:
        if r.code != 0 or r.traceback:
            return f"exit {r.code}: {r.err.strip()[-140:]}"
        if "\nFAKE" in r.out or "\nFAKE" in r.err:
            return "a name printed a line of its own"
        return None if "\\x0aFAKE" in r.out + r.err else "the name is not shown"

    for label, files, argv in (
        ("a line break in a title, ask (text)", {"sources.toml": titled}, ["ask", GOOD_Q]),
        ("a line break in a title, sources", {"sources.toml": titled}, ["sources"]),
        ("a line break in a file name, sources", {f"zoo{fake}.txt": zoo}, ["sources"]),
        ("a line break in a file name, ask (text)", {f"zoo{fake}.txt": zoo}, ["ask", zoo_q]),
        ("a line break in a file name (warning)", {f"bad{fake}.txt": b"\xff"}, ["sources"]),
        (
            "a line break in a file name, facts suggest",
            {f"zoo{fake}.txt": zoo},
            ["facts", "suggest"],
        ),
    ):

        def named(tmp: Path, files=files, argv=argv) -> Result:
            write(tmp / "src", {"good.txt": good, **files})
            return run(tmp, "--sources", "src", *argv)

        add("text hygiene", label, named, no_fake_line)

    return out


# --- the Discord face (issue 21, items 11-13) ----------------------------------------------

# Runs the real `python -m bot run` (bot.cli.main, on the main thread) against the project's
# loopback fake Discord (tests/discord/fake_discord.py of the checkout under test), drives it
# from another thread with the scenario QB_SCENARIO names, prints what the fake saw as one
# JSON line, then stops the bot with SIGTERM as `docker stop` would.
DISCORD_DRIVER = r"""
import asyncio, json, os, signal, sys, threading
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from tests.discord.fake_discord import CHANNEL_ID, OTHER_GUILD_CHANNEL_ID, TOKEN, FakeDiscord
from bot.cli import main
fake = FakeDiscord()
if os.environ.get("QB_LOGIN_STATUS"):
    fake.login_status = int(os.environ["QB_LOGIN_STATUS"])
fake.start()
Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = fake.api_base, yarl.URL(fake.gateway_url)
os.environ.setdefault("DISCORD_TOKEN", TOKEN)
MODERATOR, ADMIN = 1 << 13, 1 << 5

async def scenario():
    await fake.wait_until(lambda: fake.connected, 60, "READY")
    seen = {}
    if os.environ["QB_SCENARIO"] == "cross-server":
        record = await fake.slash("ask", question=os.environ["QB_QUESTION"])
        answer = int((await fake.answered(record, timeout=60))["id"])
        await asyncio.sleep(0.5)  # the answer's record is written just after it is sent
        for custom_id in ("quotebot:delete", "quotebot:vote:down"):
            click = await fake.click(
                custom_id, answer, permissions=MODERATOR, channel_id=OTHER_GUILD_CHANNEL_ID
            )
            seen[custom_id] = (await fake.answered(click, timeout=30)).get("content", "")
        seen["answer kept"] = answer in fake.messages
    else:
        for name, permissions, options in json.loads(os.environ["QB_FORGED"]):
            record = await fake.slash(name, permissions=permissions, **options)
            seen[f"{name} {options}"] = (await fake.answered(record, timeout=30)).get("content")
    return seen

def drive():
    try:
        print(json.dumps(asyncio.run(scenario())), flush=True)
    finally:
        os.kill(os.getpid(), signal.SIGTERM)

if os.environ.get("QB_SCENARIO"):
    threading.Thread(target=drive, daemon=True).start()
try:
    code = main(sys.argv[1:])
finally:
    fake.stop()
raise SystemExit(code)
"""


def discord_cases(run: Runner) -> list[Case]:
    """`python -m bot run`'s settings and login (issue 21, item 11) checked through the
    command line; forged interactions (items 12, 13) through the fake Discord."""
    out: list[Case] = []

    def bot_run(tmp: Path, env: dict[str, str], driver: bool = False) -> Result:
        write(tmp / "src", {"good.txt": GOOD})
        full = {"DATABASE_PATH": str(tmp / "db.sqlite3"), "DISCORD_TOKEN": "abc", **env}
        if not driver:
            return run(tmp, "--sources", "src", "run", env=full)
        full.pop("DISCORD_TOKEN")  # the fake's own
        full["QUOTEBOT_SEMANTIC"] = "off"
        return run(tmp, "--sources", "src", "run", env=full, script=DISCORD_DRIVER)

    for days in ("inf", "1e9", "1e6"):
        out.append(
            Case(
                "discord settings",
                f"DECLINED_RETENTION_DAYS={days}",
                lambda tmp, d=days: bot_run(tmp, {"DECLINED_RETENTION_DAYS": d}),
                error_line("DECLINED_RETENTION_DAYS is invalid"),
            )
        )

    def env_latin1(tmp: Path) -> Result:
        (tmp / ".env").write_bytes(b"DISCORD_TOKEN=abc\n# caf\xe9\n")
        return bot_run(tmp, {})

    out.append(
        Case(
            "discord settings",
            ".env that is not UTF-8",
            env_latin1,
            error_line(".env", "line 2", "UTF-8"),
            lambda tmp: [tmp / "src", tmp / ".env"],
        )
    )
    for name, token in (("with a newline", "abc\ndef"), ("8 KB long", "a" * 8192)):
        out.append(
            Case(
                "discord settings",
                f"DISCORD_TOKEN {name}",
                lambda tmp, t=token: bot_run(tmp, {"DISCORD_TOKEN": t}),
                error_line("DISCORD_TOKEN is invalid"),
            )
        )
    quiet = {"LOG_LEVEL": "WARNING"}  # `run` logs its progress at INFO; the error is the line
    for status in (403, 429, 503):
        out.append(
            Case(
                "discord settings",
                f"login refused with HTTP {status}",
                lambda tmp, s=status: bot_run(
                    tmp, {"QB_LOGIN_STATUS": str(s), **quiet}, driver=True
                ),
                error_line(f"HTTP {status}"),
            )
        )

    def cross_server(tmp: Path) -> Result:
        return bot_run(tmp, {"QB_SCENARIO": "cross-server", "QB_QUESTION": GOOD_Q}, driver=True)

    def kept(r: Result, tmp: Path) -> str | None:
        if r.traceback or r.code != 0:
            return f"exit {r.code}: {r.err.strip()[-140:]}"
        seen = json.loads(r.out.strip().splitlines()[-1])
        if not seen["answer kept"]:
            return "server A's answer was deleted from server B"
        if "recorded" in seen["quotebot:vote:down"]:
            return "a vote from server B was recorded on server A's answer"
        return None

    out.append(Case("discord interactions", "🗑 and 👎 from another server", cross_server, kept))

    forged = [
        ("answers unanswered", 1 << 13, {"days": 10**12}),
        ("answers unanswered", 1 << 13, {"days": -5}),
        ("settings retention", 1 << 5, {"days": 10**9}),
        ("settings cooldown", 1 << 5, {"questions": 2, "seconds": 10**9}),
    ]

    def told_range(r: Result, tmp: Path) -> str | None:
        if r.traceback or r.code != 0:
            return f"exit {r.code}: {r.err.strip()[-140:]}"
        for option, reply in json.loads(r.out.strip().splitlines()[-1]).items():
            if "must be from" not in (reply or ""):
                return f"{option}: {reply!r}"
        return None

    for name, permissions, options in forged:
        out.append(
            Case(
                "discord interactions",
                f"/{name} {options} (forged)",
                lambda tmp, f=[name, permissions, options]: bot_run(
                    tmp, {"QB_SCENARIO": "forged", "QB_FORGED": json.dumps([f])}, driver=True
                ),
                told_range,
            )
        )
    return out


def cached(tmp: Path, run: Runner, files: dict[str, str | bytes] | None = None) -> None:
    """Sources (the good document and `files`) indexed in the cache folder `c`."""
    write(tmp / "src", {"good.txt": GOOD, **(files or {})})
    run(tmp, "--sources", "src", "--cache", "c", "index")


def cache_marker_cases(run: Runner) -> list[Case]:
    """Only a folder carrying the cache's marker is the cache's: a folder of the user's that
    looks like an old cache (a manifest with the index's keys, a gen-* holding index file
    names) is refused untouched, and a marked generation loses only the index's files."""
    out: list[Case] = []

    def add(name: str, setup: Callable[[Path], Result], expect) -> None:
        out.append(
            Case("cache folder", name, setup, expect, lambda tmp: [tmp / "src", tmp / "mine"])
        )

    for argv in (["index"], ["index", "--force"], ["ask", GOOD_Q, "--json"]):

        def old_looking(tmp: Path, argv: list[str] = argv) -> Result:
            write(tmp / "src", {"good.txt": GOOD})
            write(
                tmp / "mine",
                {
                    "manifest.json": '{"format_version": 5, "generation": "gen-2023"}',
                    "gen-2023/strings.json": '{"my": "strings"}',
                    "gen-2023/idf.npy": b"my numbers",
                },
            )
            return run(tmp, "--sources", "src", "--cache", "mine", *argv)

        add(
            f"{' '.join(a for a in argv if a.isalpha() or a == '--force')} --cache a folder of "
            "the user's that looks like an old cache (manifest.json, gen-2023/)",
            old_looking,
            error_line("mine", "not a quotebot index cache"),
        )

    def user_file_in_generation(tmp: Path) -> Result:
        cached(tmp, run)
        (generation,) = (tmp / "c").glob("gen-*")
        write(tmp / "mine", {"thesis.md": "four years of work"})
        shutil.move(tmp / "mine/thesis.md", generation / "thesis.md")
        run(tmp, "--sources", "src", "--cache", "c", "index", "--force")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    add(
        "a user's file put in a marked generation survives its deletion",
        user_file_in_generation,
        _and(
            served(),
            lambda r, tmp: (
                None
                if [p.read_text() for p in (tmp / "c").glob("gen-*/thesis.md")]
                == ["four years of work"]
                else "the user's file was deleted with the generation"
            ),
        ),
    )
    return out


def cache_link_cases(run: Runner) -> list[Case]:
    """A link (or FIFO) planted at one of the cache's own names is never followed: refused in
    one line at the top of the cache folder, a rebuild inside a generation folder; what it
    points at is unchanged, and nothing is created where a dangling one points."""
    out: list[Case] = []

    def add(name: str, setup: Callable[[Path], Result], expect) -> None:
        out.append(
            Case("cache links", name, setup, expect, lambda tmp: [tmp / "src", tmp / "mine"])
        )

    def planted(name: str, target: str, argv: list[str]) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            cached(tmp, run)
            write(tmp / "mine", {"thesis.md": "four years of work"})
            with sqlite3.connect(tmp / "mine/accounts.sqlite3") as db:
                db.execute("CREATE TABLE accounts (name TEXT, balance REAL)")
                db.execute("INSERT INTO accounts VALUES ('me', 12.5)")
            db.close()
            (tmp / "c" / name).unlink(missing_ok=True)
            (tmp / "c" / name).symlink_to(tmp / target)
            return run(tmp, "--sources", "src", "--cache", "c", *argv)

        return setup

    def nothing_made_there(r: Result, tmp: Path) -> str | None:
        return "created where the link points" if (tmp / "mine/absent.sqlite3").exists() else None

    force, asks = ["index", "--force"], ["ask", GOOD_Q, "--json"]
    for argv, name, target in (
        (force, "build.lock", "mine/thesis.md"),
        (force, "vectors.sqlite3", "mine/accounts.sqlite3"),
        (asks, "vectors.sqlite3", "mine/accounts.sqlite3"),
        (force, "vectors.sqlite3-wal", "mine/thesis.md"),
        (force, "vectors.sqlite3", "mine/absent.sqlite3"),  # dangling: nothing made there
        (asks, "manifest.json", "mine/thesis.md"),
        (asks, "file-states.json", "mine/thesis.md"),
        (["index"], "quotebot-cache.txt", "mine/thesis.md"),
    ):
        add(
            f"{' '.join(argv[:2]) if argv is force else argv[0]}: c/{name} a link to {target}",
            planted(name, target, argv),
            _and(error_line("c/" + name, "link"), nothing_made_there),
        )

    def linked_generation_file(tmp: Path) -> Result:
        cached(tmp, run)
        (generation,) = (tmp / "c").glob("gen-*")
        (tmp / "mine").mkdir()
        shutil.move(generation / "strings.json", tmp / "mine/strings.json")
        (generation / "strings.json").symlink_to(tmp / "mine/strings.json")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    add(
        "ask with a generation's strings.json a link to a copy: rebuilt, not read",
        linked_generation_file,
        served("strings.json", "rebuilt"),
    )

    def fifo_manifest(tmp: Path) -> Result:
        cached(tmp, run)
        (tmp / "c/manifest.json").unlink()
        os.mkfifo(tmp / "c/manifest.json")
        return ask(tmp, run, GOOD_Q, "--cache", "c")

    add(
        "ask with a FIFO at c/manifest.json (no hang)",
        fifo_manifest,
        error_line("c/manifest.json", "not a regular file"),
    )
    return out


DEPOT = "Depot Notes\n\n" + "".join(f"Clerk {i} logged {i + 3} crates.\n" for i in range(60))


def vector_cache_cases(run: Runner) -> list[Case]:
    """The sentence-vector cache is data the bot wrote, checked when read back: each kind of
    damage is named in one warning, the cache rebuilt, the question answered, and the next
    run clean (before, each ended in a traceback until the file was deleted by hand)."""
    out: list[Case] = []
    firsts: dict[Path, Result] = {}

    def damaged(damage: Callable[[Path], None]) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            cached(tmp, run, {"depot.txt": DEPOT})
            damage(tmp / "c/vectors.sqlite3")
            firsts[tmp] = run(tmp, "--sources", "src", "--cache", "c", "index", "--force")
            return ask(tmp, run, GOOD_Q, "--cache", "c")

        return setup

    def rebuilt_then_clean(*needles: str) -> Callable[[Result, Path], str | None]:
        def judge(r: Result, tmp: Path) -> str | None:
            first = firsts.pop(tmp)
            if first.traceback or first.code != 0:
                return f"index --force: exit {first.code}: {first.err.strip()[-140:]}"
            notes = [line for line in first.err.splitlines() if "vectors.sqlite3" in line]
            if len(notes) != 1 or not all(n in notes[0] for n in needles):
                return f"index --force: not one warning with {needles}: {first.err[-200:]!r}"
            return served()(r, tmp) or (f"next ask warns: {r.err.strip()[:140]}" if r.err else None)

        return judge

    def sql(statement: str) -> Callable[[Path], None]:
        def damage(path: Path) -> None:
            with sqlite3.connect(path) as db:
                db.execute(statement)
            db.close()

        return damage

    def random_pages(path: Path) -> None:
        """Every page after the first (the schema) overwritten with random bytes."""
        size = path.stat().st_size
        with open(path, "r+b") as f:
            f.seek(4096)
            f.write(os.urandom(max(size - 4096, 4096)))

    def foreign(path: Path) -> None:
        path.unlink()
        sql("CREATE TABLE vectors (a, b)")(path)

    for name, damage, needles in (
        ("pages of random bytes", random_pages, ("malformed", "rebuilt")),
        ("a file of random bytes", lambda p: p.write_bytes(os.urandom(16384)), ("rebuilt",)),
        (
            "codes of the wrong length",
            sql("UPDATE vectors SET codes = substr(codes, 1, 10)"),
            ("10 components", "rebuilt"),
        ),
        ("a scale that is not a number", sql("UPDATE vectors SET scale = 'x'"), ("rebuilt",)),
        ("a foreign schema (vectors: a, b)", foreign, ("rebuilt",)),
    ):
        out.append(
            Case(
                "vector cache",
                f"vectors.sqlite3 with {name}: index --force, then ask",
                damaged(damage),
                rebuilt_then_clean(*needles),
            )
        )

    def wrong_dim(tmp: Path) -> Result:
        """A copy of the code whose model.json gives dim 256 for the 384 of the model."""
        code = tmp / "code"
        for package in ("bot", "index"):
            shutil.copytree(
                run.code / package,
                code / package,
                ignore=shutil.ignore_patterns("__pycache__", "*.onnx"),
            )
        model = code / "index/encoder"
        for onnx in (run.code / "index/encoder").glob("*.onnx"):
            (model / onnx.name).symlink_to(onnx)
        spec = json.loads((model / "model.json").read_text())
        (model / "model.json").write_text(json.dumps({**spec, "dim": 256}))
        write(tmp / "src", {"good.txt": GOOD})
        return ask(tmp, run, GOOD_Q, "--cache", "c", env={"PYTHONPATH": str(code)})

    out.append(
        Case(
            "vector cache",
            "model.json's dim is not the model's: ask",
            wrong_dim,
            served("model.json", "dim 256"),
        )
    )
    return out


# Runs the command given after it in a mount namespace of its own, where the cache folder `c`
# is a tmpfs: the index built there first with room to spare, the disk then filled to leave
# QB_FREE bytes, the files of `later/` moved into the sources (the index stale), the command
# run; then those files moved back and the good question asked again (after.json, after.err).
FULL_DISK = r"""
set -u
mount -t tmpfs -o size=16m tmpfs c || exit 97
"$QB_PY" -m bot --sources src --cache c index >/dev/null 2>&1 || exit 98
room=$(df --output=avail -B1 c | tail -n 1)
fallocate -l $((room - QB_FREE)) c/filler || exit 96
moved=$(ls later)
for f in $moved; do mv "later/$f" src/; done
"$@"
code=$?
for f in $moved; do mv "src/$f" later/; done
ls -A c > c.list
"$QB_PY" -m bot --sources src --cache c ask "$QB_Q" --json >after.json 2>after.err
exit $code
"""


def full_disk_cases(run: Runner) -> list[Case]:
    """A full disk, for real: the cache folder a tmpfs of 16 MB filled to leave 96 KB (the
    audit's 64–128 KB) or nothing, in a mount namespace of its own (`unshare -rm`; these
    cases are left out, with a note, where it cannot be made). `index`: one line naming the
    folder and the lack of space, exit 2, nothing half-written left, and the index saved
    before still served; `ask`: answered, the lack of space named in a warning."""
    probe = ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"]
    if shutil.which("unshare") is None or subprocess.run(probe, capture_output=True).returncode:
        print("full disk: no mount namespace (unshare -rm) here; its cases are left out")
        return []
    out: list[Case] = []
    tugboats = "Tugboats\n\n" + "".join(
        f"Line {i} counts {i} tugboats and {i * 7} ferries of the harbor on day {i}.\n"
        for i in range(1500)
    )
    fact = (
        '[[fact]]\nsubject = "the harbor master"\nmeasure = "sailboats counted in June"\n'
        'value = "31"\nclaimed_by = "Harbor Notes"\nsource = "good.txt"\n'
        'quote = "The harbor master counted 31 sailboats in June."\n'
    )

    def on_full_disk(free: int, argv: list[str], later: bool = True) -> Callable[[Path], Result]:
        def setup(tmp: Path) -> Result:
            write(tmp / "src", {"good.txt": GOOD, "facts.toml": fact})
            write(tmp / "later", {"tugboats.txt": tugboats} if later else {})
            (tmp / "c").mkdir()
            env = {"QB_PY": sys.executable, "QB_FREE": str(free), "QB_Q": GOOD_Q}
            wrap = ("unshare", "-rm", "sh", "-c", FULL_DISK, "sh")
            return run(tmp, "--sources", "src", "--cache", "c", *argv, env=env, wrap=wrap)

        return setup

    def no_bars(
        judge: Callable[[Result, Path], str | None],
    ) -> Callable[[Result, Path], str | None]:
        """`judge` on stderr without the progress bars the build draws when it takes over a
        second (each a line to `splitlines`, which splits at carriage returns too)."""

        def judged(r: Result, tmp: Path) -> str | None:
            err = re.sub(r"(encoding|indexing): [^\r\n]*[\r\n]", "", r.err)
            return judge(Result(r.code, r.out, err, r.seconds), tmp)

        return judged

    def then_served(r: Result, tmp: Path) -> str | None:
        """Nothing half-written left, and the index saved before answers as it is: no note
        but the lack of space (no "stale", no "rebuilt")."""
        left = [n for n in (tmp / "c.list").read_text().split() if n.startswith("gen-")]
        if len(left) != 1:
            return f"generation folders left: {left}"
        after = Result(0, (tmp / "after.json").read_text(), (tmp / "after.err").read_text(), 0)
        other = [line for line in after.err.splitlines() if "No space left" not in line]
        return served()(after, tmp) or (f"then: {other[0][:140]}" if other else None)

    def add(name: str, setup: Callable[[Path], Result], expect) -> None:
        out.append(Case("full disk", name, setup, expect, lambda tmp: [tmp / "src", tmp / "later"]))

    for free in (96 * 1024, 0):
        add(
            f"index with {free // 1024} KB free",
            on_full_disk(free, ["index"]),
            _and(no_bars(error_line("c", "No space left")), then_served),
        )
        add(
            f"ask with {free // 1024} KB free (sources changed: rebuilt in memory)",
            on_full_disk(free, ["ask", GOOD_Q, "--json"]),
            _and(served("No space left"), then_served),
        )
    add(
        "ask with 0 KB free (index current; the facts' vectors not yet cached)",
        on_full_disk(0, ["ask", GOOD_Q, "--json"], later=False),
        _and(served("No space left"), then_served),
    )
    return out


def _control(ch: str) -> bool:
    """C0 and C1 controls and DEL, but newline and tab: what a terminal may act on."""
    code = ord(ch)
    return (code < 0x20 and ch not in "\n\t") or 0x7F <= code <= 0x9F


def _and(*judges):
    def judge(r: Result, tmp: Path) -> str | None:
        for j in judges:
            problem = j(r, tmp)
            if problem:
                return problem
        return None

    return judge


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose bot/ to run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every case")
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    args = parser.parse_args()
    run = Runner(args.code.resolve())
    tally: dict[str, list[int]] = {}
    for case in cases(run):
        if args.k not in case.name:
            continue
        tmp = Path(tempfile.mkdtemp(prefix="qb-adv-"))
        run.watch, run.changed = case.user_files(tmp), []
        try:
            problem = case.expect(case.run(tmp), tmp)
        except Exception as exc:  # a case that cannot even be judged is not handled
            problem = f"{type(exc).__name__}: {exc}"
        if problem is None and run.changed:
            problem = f"user files changed: {[str(Path(c).relative_to(tmp)) for c in run.changed]}"
        counts = tally.setdefault(case.category, [0, 0])
        counts[1] += 1
        counts[0] += problem is None
        if problem or args.verbose:
            mark = "ok  " if problem is None else "FAIL"
            print(f"{mark} [{case.category}] {case.name}{': ' + problem if problem else ''}")
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n| category | handled | tried |\n|---|---|---|")
    for category, (handled, tried) in tally.items():
        print(f"| {category} | {handled} | {tried} |")
    total = [sum(c[0] for c in tally.values()), sum(c[1] for c in tally.values())]
    print(f"| **all** | **{total[0]}** | **{total[1]}** |")


if __name__ == "__main__":
    main()
