"""Passages, sentences and chrome as integer arrays, turned into pydantic objects only on demand.

Parsing 100k passages back into `Passage` objects takes seconds; the engine looks at eight of
them per question. The saved index keeps these tables as memory-mapped arrays, and a `Passage`
is built when it is asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from index.models import Chrome, Document, FaqEntry, Passage, Sentence, SourceMeta, Table

# The tables are int64 (offsets into a source's text can exceed 2**31). Their columns:
#   passages:  source, start, end, first sentence, sentence stop, heading (or NO_HEADING)
#   sentences: start, end, line, kind
#   chrome:    source, start, end, kind
P_SOURCE = 0
NO_HEADING = -1


@dataclass(frozen=True)
class PassageTable(Sequence[Passage]):
    """The structure of a corpus: its sources, and every passage in one order, with their
    sentences and chrome; `table[i]` builds passage i."""

    metas: list[SourceMeta]  # per source, indexed by the tables' source column
    checksums: list[str]  # sha256 of each source's text
    tables: list[list[Table]]  # per source: its pipe tables
    faqs: list[list[FaqEntry]]  # per source: its FAQ entries
    headings: list[str]  # distinct headings, indexed by the passages' heading column
    kinds: list[str]  # sentence and chrome kinds, indexed by their kind columns
    passages: np.ndarray  # int64 [passages, 6]
    sentences: np.ndarray  # int64 [sentences, 4]
    chrome: np.ndarray  # int64 [chrome spans, 4]

    @classmethod
    def from_documents(cls, documents: Sequence[Document]) -> PassageTable:
        headings: dict[str, int] = {}
        kinds: dict[str, int] = {}
        passages: list[tuple[int, ...]] = []
        sentences: list[tuple[int, int, int, int]] = []
        chrome: list[tuple[int, int, int, int]] = []
        for source, document in enumerate(documents):
            for span in document.chrome:
                kind = kinds.setdefault(span.kind, len(kinds))
                chrome.append((source, span.start, span.end, kind))
            for p in document.passages:
                first = len(sentences)
                for s in p.sentences:
                    sentences.append((s.start, s.end, s.line, kinds.setdefault(s.kind, len(kinds))))
                heading = (
                    NO_HEADING
                    if p.heading is None
                    else headings.setdefault(p.heading, len(headings))
                )
                passages.append((source, p.start, p.end, first, len(sentences), heading))
        return cls(
            metas=[d.meta for d in documents],
            checksums=[d.sha256 for d in documents],
            tables=[d.tables for d in documents],
            faqs=[d.faqs for d in documents],
            headings=list(headings),
            kinds=list(kinds),
            passages=_table(passages, 6),
            sentences=_table(sentences, 4),
            chrome=_table(chrome, 4),
        )

    def __len__(self) -> int:
        return len(self.passages)

    @overload
    def __getitem__(self, index: int) -> Passage: ...
    @overload
    def __getitem__(self, index: slice) -> list[Passage]: ...
    def __getitem__(self, index: int | slice) -> Passage | list[Passage]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        source, start, end, first, stop, heading = self.passages[index].tolist()
        return Passage(
            source=self.metas[source].file,
            start=start,
            end=end,
            sentences=[
                Sentence(start=s, end=e, line=line, kind=self.kinds[kind])
                for s, e, line, kind in self.sentences[first:stop].tolist()
            ],
            heading=None if heading == NO_HEADING else self.headings[heading],
        )

    def __iter__(self) -> Iterator[Passage]:
        return (self[i] for i in range(len(self)))

    def passage_of(self, sentence_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """The passage id of each sentence id: passages own consecutive runs of sentences."""
        return np.searchsorted(self.passages[:, 3], sentence_ids, side="right") - 1

    def ranges(self) -> list[range]:
        """Passage ids of each source, in `metas` order (passages are stored source by source)."""
        cuts = np.searchsorted(self.passages[:, P_SOURCE], np.arange(len(self.metas) + 1))
        return [range(int(a), int(b)) for a, b in itertools.pairwise(cuts)]

    def chrome_by_source(self) -> list[list[Chrome]]:
        """Chrome spans of each source, in `metas` order."""
        spans: list[list[Chrome]] = [[] for _ in self.metas]
        for source, start, end, kind in self.chrome.tolist():
            spans[source].append(Chrome(start=start, end=end, kind=self.kinds[kind]))
        return spans


def _table(rows: list[tuple[int, ...]], width: int) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)
