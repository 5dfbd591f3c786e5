"""All the facts of a sources folder: curated ones, table rows, and FAQ entries, checked once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.core.expect import YEAR
from bot.facts.curated import load_curated
from bot.facts.from_tables import table_facts
from bot.facts.models import Fact
from index.analyzer import Analyzer
from index.ingest import skip_reason
from index.manifest import FACTS_NAME
from index.models import FaqEntry, SourceMeta
from index.search import Retriever
from index.source_text import Text
from index.vectors import CachedEncoding


class TextEncoder(Protocol):
    """What the fact book needs of the sentence encoder (index.encoder.Encoder)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class FactWords:
    """A fact's texts as the analyzer sees them: what a query's words are matched against."""

    targets: tuple[str, ...]
    """Subject with measure, measure alone, and each alias."""
    value: str | None
    """The value, for facts that are not numbers (a name can be asked for by itself)."""

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every analyzed word of the targets and the value."""
        return frozenset(" ".join([*self.targets, self.value or ""]).split())


@dataclass(frozen=True)
class FaqQuestion:
    """An FAQ entry with its question's words and years, for matching a user's question."""

    entry: FaqEntry
    words: str
    years: frozenset[str]

    @cached_property
    def terms(self) -> frozenset[str]:
        """The question's analyzed words, as a set."""
        return frozenset(self.words.split())


@dataclass(frozen=True)
class FactBook:
    """What look-ups search: facts, FAQ entries, and the sources they quote.

    The analyzed words of every fact and FAQ question are computed here, once, rather than
    again for every question asked."""

    facts: list[Fact]
    faqs: list[FaqEntry]
    metas: dict[str, SourceMeta]
    texts: Mapping[str, Text]
    analyzer: Analyzer
    encoder: TextEncoder | None = None
    """Semantic mode: facts and FAQ questions are also matched on meaning."""
    fact_words: tuple[FactWords, ...] = field(init=False, repr=False)
    """`fact_words[i]` is the words of `facts[i]`."""
    faq_questions: tuple[FaqQuestion, ...] = field(init=False, repr=False)
    measures: tuple[str, ...] = field(init=False, repr=False)
    """Every measure, sorted, for suggestions when nothing matches."""
    fact_vectors: tuple[np.ndarray, ...] = field(init=False, repr=False)
    """Semantic mode: `fact_vectors[i]` holds a vector per target text of `facts[i]` (subject
    with measure, measure, each alias); empty otherwise."""
    faq_vectors: np.ndarray | None = field(init=False, repr=False)
    """Semantic mode: a vector per FAQ question, in `faqs` order."""

    def __post_init__(self) -> None:
        # The documented way to set derived fields of a frozen dataclass.
        object.__setattr__(self, "fact_words", tuple(self._words(f) for f in self.facts))
        object.__setattr__(self, "faq_questions", tuple(self._question(e) for e in self.faqs))
        object.__setattr__(self, "measures", tuple(sorted({f.measure for f in self.facts})))
        object.__setattr__(self, "fact_vectors", ())
        object.__setattr__(self, "faq_vectors", None)
        if self.encoder is not None:
            self._encode(self.encoder)

    def _encode(self, encoder: TextEncoder) -> None:
        """Vectors of every fact's targets and every FAQ question, in one batch."""
        targets = [_targets(f) for f in self.facts]
        asked = [self.texts[e.source][e.question.start : e.question.end] for e in self.faqs]
        distinct = list(dict.fromkeys([*(t for ts in targets for t in ts), *asked]))
        vectors = dict(zip(distinct, encoder.encode(distinct), strict=True)) if distinct else {}
        object.__setattr__(
            self, "fact_vectors", tuple(np.array([vectors[t] for t in ts]) for ts in targets)
        )
        object.__setattr__(
            self, "faq_vectors", np.array([vectors[a] for a in asked]) if asked else None
        )

    def normal(self, text: str) -> str:
        """`text` as the index's analyzer sees it: stemmed terms without stop words."""
        return " ".join(self.analyzer.terms(text))

    def _words(self, fact: Fact) -> FactWords:
        return FactWords(
            targets=tuple(self.normal(t) for t in _targets(fact)),
            value=self.normal(fact.value) if fact.number is None else None,
        )

    def _question(self, entry: FaqEntry) -> FaqQuestion:
        asked = self.texts[entry.source][entry.question.start : entry.question.end]
        return FaqQuestion(entry, self.normal(asked), frozenset(YEAR.findall(asked)))


def _targets(fact: Fact) -> list[str]:
    """What a query is compared with: subject with measure, the measure alone, each alias."""
    return [f"{fact.subject} {fact.measure}", fact.measure, *fact.aliases]


def build_factbook(sources_dir: Path, retriever: Retriever) -> tuple[FactBook, list[str]]:
    """Read `facts.toml` beside the sources and the tables and FAQs inside them; plus warnings
    (curated facts skipped with the source they cite, which is not served; the vector cache's
    notes from encoding the facts' measures: a damaged cache rebuilt, one that cannot be
    written).

    A wrong curated entry raises `DataFileError` naming the file and line.
    """
    texts = retriever.texts
    documents = retriever.documents
    chrome = {name: doc.chrome for name, doc in documents.items()}
    facts, notes = load_curated(
        sources_dir / FACTS_NAME, texts, chrome, lambda name: skip_reason(sources_dir, name)
    )
    encoding = (
        CachedEncoding(retriever.encoder, retriever.vector_cache)
        if retriever.semantic and retriever.encoder is not None
        else None
    )
    faqs: list[FaqEntry] = []
    for name, doc in documents.items():
        facts.extend(table_facts(doc.tables, texts[name], doc.meta))
        faqs.extend(doc.faqs)
    book = FactBook(
        facts=facts,
        faqs=faqs,
        metas={name: doc.meta for name, doc in documents.items()},
        texts=texts,
        analyzer=retriever.analyzer,
        encoder=encoding,
    )
    return book, notes + (encoding.notes if encoding else [])
