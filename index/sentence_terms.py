"""Every sentence's and heading's index terms, analyzed once at build time and saved.

Answering scores a few dozen windows of sentences against the question; re-analyzing their
text for every question cost more than retrieval itself. The build analyzes each sentence once:
its terms are the passage's terms too (a passage is its heading and its sentences), and they
are saved as term ids with counts in CSR form, so a question reads a few array slices.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

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


class TermRowsBuilder:
    """Collects rows of terms as they are analyzed; ids are mapped to the index's at the end."""

    def __init__(self) -> None:
        self._local: dict[str, int] = {}
        self._offsets = array("q", [0])
        self._ids = array("i")
        self._counts = array("i")

    def add(self, terms: Sequence[str]) -> None:
        intern = self._local.setdefault
        for term, count in Counter(terms).items():
            self._ids.append(intern(term, len(self._local)))
            self._counts.append(count)
        self._offsets.append(len(self._ids))

    def finish(self, index_terms: dict[str, int]) -> TermRows:
        """The rows with the index's term ids (a term the index lacks is dropped)."""
        mapping = np.full(max(len(self._local), 1), -1, dtype=np.int64)
        for term, local in self._local.items():
            mapping[local] = index_terms.get(term, -1)
        ids = mapping[np.frombuffer(self._ids, dtype=np.int32)] if len(self._ids) else mapping[:0]
        counts = np.frombuffer(self._counts, dtype=np.int32)
        offsets = np.frombuffer(self._offsets, dtype=np.int64)
        keep = ids >= 0
        if not keep.all():
            kept_before = np.concatenate([[0], np.cumsum(keep)])
            offsets = kept_before[offsets]
            ids, counts = ids[keep], counts[keep]
        return TermRows(offsets.astype(np.int64), ids.astype(np.int32), counts.astype(np.int32))


def passage_terms(
    heading: list[str], sentences: Iterator[list[str]], rows: TermRowsBuilder
) -> list[str]:
    """A passage's index terms: its heading's and its sentences' (each sentence recorded)."""
    terms = list(heading)
    for sentence in sentences:
        rows.add(sentence)
        terms.extend(sentence)
    return terms
