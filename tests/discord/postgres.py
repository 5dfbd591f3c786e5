"""A throwaway PostgreSQL on loopback for the tests: one cluster per test session (`initdb`,
`pg_ctl start`), a fresh database per test. benchmarks/store_backends.py starts one too.

initdb refuses to run as root, and CI runs as root: the server then runs as the `postgres`
user the Debian package creates (else `nobody`), through `runuser`. Where PostgreSQL is not
installed, the tests that need it are skipped with the reason, except when
QUOTEBOT_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail: CI never skips them quietly.

tests/conftest.py loads this module as a plugin, so every test module shares one cluster.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

REQUIRED = os.environ.get("QUOTEBOT_REQUIRE_POSTGRES") == "1"
USER = "quotebot"  # the cluster's superuser; trust authentication on loopback only


def _bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else the newest Debian-packaged version."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    runas: list[str]

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def run(self, *argv: str) -> None:
        subprocess.run([*self.runas, *argv], check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.root / "data"),
                "-m",
                "immediate",
                "stop",
            )
        shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        name = f"t{next(_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database `new_database` made, whoever is still connected to it, so a
        session's cluster does not grow by a database a test (and stopping it by deleting
        them all)."""
        name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


_numbers = itertools.count(1)


def start_cluster(durable: bool = False) -> Cluster:
    """A new cluster on a free loopback port; `RuntimeError` says why there is none.
    `durable`: commits wait for the disk (fsync), as on a real server, for the benchmark;
    the tests need no crash safety, and skip it."""
    bindir = _bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql)"
        )
    root = Path(tempfile.mkdtemp(prefix="quotebot-pg-"))
    runas: list[str] = []
    if os.geteuid() == 0:
        account = next((a for a in ("postgres", "nobody") if _exists(a)), None)
        if account is None or shutil.which("runuser") is None:
            raise RuntimeError(
                "running as root with no postgres or nobody user to run PostgreSQL as"
            )
        entry = pwd.getpwnam(account)
        os.chown(root, entry.pw_uid, entry.pw_gid)
        runas = ["runuser", "-u", account, "--"]
    root.chmod(0o700)
    cluster = Cluster(bindir, root, _free_port(), runas)
    data = str(root / "data")
    try:
        cluster.run(
            str(bindir / "initdb"), "-D", data, "-A", "trust", "-U", USER, "-E", "UTF8", "--no-sync"
        )
        options = f"-h 127.0.0.1 -p {cluster.port} -k {root} -c max_connections=200"
        options += "" if durable else " -c fsync=off"
        cluster.run(
            str(bindir / "pg_ctl"),
            "-D",
            data,
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        cluster.stop()
        raise RuntimeError(
            f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')[-300:]}"
        ) from None
    return cluster


def _exists(account: str) -> bool:
    try:
        pwd.getpwnam(account)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        if REQUIRED:
            pytest.fail(f"QUOTEBOT_REQUIRE_POSTGRES=1 but {exc}")
        pytest.skip(f"{exc}; install PostgreSQL (apt-get install postgresql) to run these")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A new, empty database of the session's cluster, dropped after the test."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store keeps its state, once per backend: a SQLite file, a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "db.sqlite3")
    return request.getfixturevalue("pg_url")
