"""Write index/shorthand/slang.json: chat shorthand and the words it stands for, copied from
the `contractions` package's wheel.

    pip download --no-deps contractions==0.1.73 -d /tmp/contractions
    python3 scripts/export_shorthand.py /tmp/contractions/contractions-0.1.73-py2.py3-none-any.whl

Export-time only: the bot reads the file and never imports contractions. The file is copied
byte for byte; the script prints its SHA-256, which goes into index/shorthand/__init__.py and
index/shorthand/README.md.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "index" / "shorthand" / "slang.json"
MEMBER = "contractions/data/slang_dict.json"
"""The package's own list (the wheel also carries an older top-level data/slang_dict.json)."""


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} contractions-0.1.73-py2.py3-none-any.whl")
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        data = wheel.read(MEMBER)
    OUT.write_bytes(data)
    print(f"{OUT}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
