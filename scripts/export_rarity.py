"""Write index/rarity/english.tsv.gz: how common each English word is, from wordfreq.

    python3 -m venv ../export-venv
    ../export-venv/bin/pip install -r scripts/export-requirements.txt
    ../export-venv/bin/python scripts/export_rarity.py

Export-time only: the bot reads the file and never imports wordfreq. Every word of wordfreq's
English list at or above `MIN_ZIPF` on the Zipf scale (log10 of its frequency per billion
words), in wordfreq's order, one `word<TAB>zipf` line each, gzip-compressed with no time
stamp so that the same pins give the same bytes. Prints the file's SHA-256, which goes into
index/rarity/__init__.py and index/rarity/README.md.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from wordfreq import top_n_list, zipf_frequency

OUT = Path(__file__).resolve().parents[1] / "index" / "rarity" / "english.tsv.gz"
MIN_ZIPF = 3.0
"""About 29,000 words. Below it every word counts as rare (index/rarity): a lower cut-off
(200,000 words) gave as many right lexical answers on the collections' even halves and two
fewer on their odd halves."""
LIST_SIZE = 100_000


def main() -> None:
    lines = []
    for word in top_n_list("en", LIST_SIZE):
        zipf = zipf_frequency(word, "en")
        if zipf < MIN_ZIPF:
            break  # the list is in descending frequency
        if "\t" not in word and "\n" not in word:
            lines.append(f"{word}\t{zipf:.2f}\n")
    data = gzip.compress("".join(lines).encode("utf-8"), compresslevel=9, mtime=0)
    OUT.write_bytes(data)
    print(
        f"{OUT}: {len(lines)} words, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}"
    )


if __name__ == "__main__":
    main()
