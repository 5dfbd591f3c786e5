"""All the facts of a sources folder: curated ones, table rows, and FAQ entries, checked once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.facts.curated import FACTS_NAME, load_curated
from bot.facts.from_tables import table_facts
from bot.facts.models import Fact
from index.analyzer import Analyzer
from index.models import FaqEntry, SourceMeta
from index.search import Retriever


@dataclass(frozen=True)
class FactBook:
    """What look-ups search: facts, FAQ entries, and the sources they quote."""

    facts: list[Fact]
    faqs: list[FaqEntry]
    metas: dict[str, SourceMeta]
    texts: dict[str, str]
    analyzer: Analyzer


def build_factbook(sources_dir: Path, retriever: Retriever) -> FactBook:
    """Read `facts.toml` beside the sources and the tables and FAQs inside them.

    A wrong curated entry raises `DataFileError` naming the file and line.
    """
    texts = retriever.texts
    documents = retriever.documents
    chrome = {name: doc.chrome for name, doc in documents.items()}
    facts = load_curated(sources_dir / FACTS_NAME, texts, chrome)
    faqs: list[FaqEntry] = []
    for name, doc in documents.items():
        facts.extend(table_facts(doc.tables, texts[name], doc.meta))
        faqs.extend(doc.faqs)
    return FactBook(
        facts=facts,
        faqs=faqs,
        metas={name: doc.meta for name, doc in documents.items()},
        texts=texts,
        analyzer=retriever.analyzer,
    )
