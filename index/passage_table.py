"""Passages, sentences and chrome as integer arrays, turned into pydantic objects only on demand.

Parsing 100k passages back into `Passage` objects takes seconds; the engine looks at eight of
them per question. The saved index keeps these tables as memory-mapped arrays, and a `Passage`
is built when it is asked for.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from index.models import Chrome, Document, FaqEntry, Passage, Sentence, SourceMeta, Table
from index.passages import PassageRow

# The tables are int64 (offsets into a source's text can exceed 2**31). Their columns:
#   passages:  source, start, end, first sentence, sentence stop, heading (or NO_HEADING)
#   sentences: start, end, line, kind
#   chrome:    source, start, end, kind
P_SOURCE, P_FIRST, P_STOP, P_HEADING = 0, 3, 4, 5
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
        builder = PassageTableBuilder()
        for d in documents:
            rows = [
                PassageRow(
                    p.start,
                    p.end,
                    p.heading,
                    [(s.start, s.end, s.line, s.kind) for s in p.sentences],
                )
                for p in d.passages
            ]
            builder.add(d.meta, d.sha256, d.chrome, rows, d.tables, d.faqs)
        return builder.finish()

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


class PassageTableBuilder:
    """Takes sources one at a time and appends their rows to flat integer arrays, so a build
    holds neither pydantic objects nor a tuple per row."""

    def __init__(self) -> None:
        self._metas: list[SourceMeta] = []
        self._checksums: list[str] = []
        self._tables: list[list[Table]] = []
        self._faqs: list[list[FaqEntry]] = []
        self._headings: dict[str, int] = {}
        self._kinds: dict[str, int] = {}
        self._passages = array("q")
        self._sentences = array("q")
        self._chrome = array("q")

    def add(
        self,
        meta: SourceMeta,
        sha256: str,
        chrome: Iterable[Chrome],
        passages: Iterable[PassageRow],
        tables: list[Table],
        faqs: list[FaqEntry],
    ) -> None:
        source = len(self._metas)
        self._metas.append(meta)
        self._checksums.append(sha256)
        self._tables.append(tables)
        self._faqs.append(faqs)
        kinds, headings = self._kinds, self._headings
        for span in chrome:
            self._chrome.extend(
                (source, span.start, span.end, kinds.setdefault(span.kind, len(kinds)))
            )
        sentences = self._sentences
        for p in passages:
            first = len(sentences) // 4
            for start, end, line, kind in p.sentences:
                sentences.extend((start, end, line, kinds.setdefault(kind, len(kinds))))
            heading = (
                NO_HEADING if p.heading is None else headings.setdefault(p.heading, len(headings))
            )
            self._passages.extend((source, p.start, p.end, first, len(sentences) // 4, heading))

    def finish(self) -> PassageTable:
        return PassageTable(
            metas=self._metas,
            checksums=self._checksums,
            tables=self._tables,
            faqs=self._faqs,
            headings=list(self._headings),
            kinds=list(self._kinds),
            passages=_table(self._passages, 6),
            sentences=_table(self._sentences, 4),
            chrome=_table(self._chrome, 4),
        )


def _table(rows: array, width: int) -> np.ndarray:
    return np.frombuffer(rows, dtype=np.int64).reshape(-1, width)
