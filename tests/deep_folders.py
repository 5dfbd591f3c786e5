"""A file under folders whose path is past the OS's limit, for the tests and the adversarial
harness (benchmarks/adversarial.py): no path to it can be opened, so it is made through folder
descriptors, one level at a time."""

from __future__ import annotations

import os
from pathlib import Path

LEVELS, NAME = 20, "d" * 250  # 20 × 251 bytes: past Linux's PATH_MAX of 4,096


def nested_past_the_path_limit(folder: Path, body: bytes) -> Path:
    """Write `body` to `deep.txt` under `LEVELS` folders in `folder`; its path, as a string
    the OS refuses (`File name too long`)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(LEVELS):
            os.mkdir(NAME, dir_fd=fd)
            inner = os.open(NAME, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(out, body)
        os.close(out)
    finally:
        os.close(fd)
    return folder.joinpath(*[NAME] * LEVELS, "deep.txt")
