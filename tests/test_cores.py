"""Pool and thread sizes follow the cores this process may use, on any OS."""

from __future__ import annotations

import os

import pytest

from index.cores import usable_cores


def test_usable_cores_is_the_affinity_where_there_is_one() -> None:
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("this OS has no CPU affinity")
    assert usable_cores() == len(os.sched_getaffinity(0))


def test_usable_cores_without_affinity_is_the_machines(monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS and Windows have no os.sched_getaffinity: the build must not fail there."""
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert usable_cores() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert usable_cores() == 1
