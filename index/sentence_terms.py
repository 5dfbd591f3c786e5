"""Every sentence's and heading's index terms, analyzed once at build time and saved.

Answering scores a few dozen windows of sentences against the question; re-analyzing their
text for every question cost more than retrieval itself. The build analyzes each sentence once:
its terms are the passage's terms too (a passage is its heading and its sentences), and they
are saved as term ids with counts in CSR form, so a question reads a few array slices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.scorer import count_pairs

TERM_ROW_PARTS = ("offsets", "ids", "counts")  # the saved arrays of a TermRows, in order


@dataclass(frozen=True)
class TermRows:
    """Rows of (term id, count): row r's entries are `ids[offsets[r]:offsets[r + 1]]`."""

    offsets: np.ndarray  # int64 [rows + 1]
    ids: np.ndarray  # int32 [entries]
    counts: np.ndarray  # int32 [entries]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, r: int) -> dict[int, int]:
        """Row r as {term id: count}."""
        a, b = int(self.offsets[r]), int(self.offsets[r + 1])
        return dict(zip(self.ids[a:b].tolist(), self.counts[a:b].tolist(), strict=True))

    def valid(self, n_terms: int) -> bool:
        """Offsets that start at 0, never decrease and end at the entries; ids of known terms."""
        o = self.offsets
        return (
            len(o) >= 1
            and int(o[0]) == 0
            and bool((np.diff(o) >= 0).all())
            and int(o[-1]) == len(self.ids) == len(self.counts)
            and (not len(self.ids) or (int(self.ids.min()) >= 0 and int(self.ids.max()) < n_terms))
        )


def term_rows(ids: np.ndarray, lengths: np.ndarray) -> TermRows:
    """Rows of (term id, count) from each row's term ids laid end to end (`lengths[r]` of them
    for row r), term ids ascending within a row: one sort for all rows, rather than a Counter
    and a Python loop per sentence."""
    n_rows = len(lengths)
    width = int(ids.max()) + 1 if len(ids) else 1
    keys = np.repeat(np.arange(n_rows, dtype=np.int64) * width, lengths)
    keys += ids
    rows, row_ids, counts = count_pairs(keys, width)
    del keys
    offsets = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=offsets[1:])
    return TermRows(offsets, row_ids.astype(np.int32), counts.astype(np.int32))
