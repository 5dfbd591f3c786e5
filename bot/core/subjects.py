"""Words that name what a document is about: "which python versions does pytest support" asks
about pytest, and an answer from idna's README ("This library supports Python 3.10 and
higher") answers another question.

A document names its subject in its title, its file name and its aliases. A word there names
that subject only when few documents share it and the collection uses it most where they
are: "pytest" in `pytest.rst` (the other READMEs mention it now and then), "autoinc" in
`autoinc.html`, "lancebot" in `sir-lancebot.md`; not "sqlite" (in most of SQLite's page
titles), "query" (two page titles hold it, but other pages use it more), "install" (everyday
English), nor anything in a collection of two articles whose titles share every word that
matters. The collection decides, so no list of names is kept.

A name typed whole, as a document's file name or title, names that document whatever its words
("what is python-dotenv"); and a document says what its subject is where it opens, past its
badges and links (`Subjects.opening`), which is where "what is pytest" is answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

import numpy as np

from index.passage_search import PassageSearch

MAX_DOCUMENT_SHARE = 0.25
"""A word names a subject only when it names fewer than this share of the documents."""
MIN_RARITY = 0.5
"""... and only a word rarer than everyday English (index/rarity: 0.5 is about one use in
ten thousand words): "pytest", "docker", "autoincrement", not "limit" or "click"."""
MIN_OPENING_TERMS = 3
"""A document's opening sentence says something in a few words ("Markdown parser done right.",
"A specification for pythonic filesystems."); two are a row of links ("Docs | Playground")."""
_NAME_SEPARATORS = re.compile(r"[-_.\s]+")


class Subjects:
    """The documents each subject-naming term names, read from the index once, when first
    asked; where a term's passages lie is worked out the first time a question holds it."""

    def __init__(self, retriever: PassageSearch) -> None:
        self._retriever = retriever
        self._named: dict[str, frozenset[str]] | None = None
        self._passage_docs: np.ndarray | None = None
        self._doc_index: dict[str, int] = {}
        self._subject: dict[str, bool] = {}
        self._opening: dict[str, tuple[int, int] | None] = {}
        self._titles: dict[str, set[str]] | None = None

    def named_by(self, terms: tuple[str, ...], rarity: Mapping[str, float]) -> tuple[str, ...]:
        """The question's terms that name a document's subject, each once, in order: not words
        of everyday English (`rarity`, as the question gives it, at least `MIN_RARITY`), since
        the LIMIT of "LIMIT 10, 20" is a clause wherever "Limits In SQLite" is a page."""
        return tuple(
            t
            for t in dict.fromkeys(terms)
            if rarity.get(t, 1.0) >= MIN_RARITY and self._is_subject(t)
        )

    def documents(self, term: str) -> frozenset[str]:
        """The documents whose title, file name or aliases hold `term`."""
        return self._names().get(term, frozenset())

    def titled(self, name: str) -> str | None:
        """The one document whose file name (not its folder) or title is `name` as typed,
        case and separators aside ("python-dotenv" is `python-dotenv.md`, "Discord.py" is
        `discord.py.rst`); None when none is, or several are. A name typed whole names its
        document whatever its words: "click" or "packaging" is everyday English, and
        "pydantic" is in three file names, but only `pydantic.md` is called that."""
        if self._titles is None:
            titles: dict[str, set[str]] = {}
            for source, doc in self._retriever.documents.items():
                for title in (PurePosixPath(source).stem, doc.meta.title):
                    titles.setdefault(_folded(title), set()).add(source)
            self._titles = titles
        found = self._titles.get(_folded(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def names(self, source: str, terms: tuple[str, ...]) -> bool:
        """Whether one of `terms` names document `source`'s subject."""
        return any(source in self.documents(t) for t in terms)

    def _names(self) -> dict[str, frozenset[str]]:
        if self._named is None:
            r = self._retriever
            by_term: dict[str, set[str]] = {}
            for name, doc in r.documents.items():
                meta = doc.meta
                file_name = _NAME_SEPARATORS.sub(" ", PurePosixPath(name).stem)  # not its folder
                for term in r.analyzer.terms(" ".join([meta.title, file_name, *meta.aliases])):
                    by_term.setdefault(term, set()).add(name)
            limit = MAX_DOCUMENT_SHARE * len(r.documents)
            self._named = {t: frozenset(d) for t, d in by_term.items() if len(d) < limit}
        return self._named

    def _is_subject(self, term: str) -> bool:
        if term not in self._subject:
            named = self._names().get(term)
            self._subject[term] = bool(named) and self._mostly_in(term, named)
        return self._subject[term]

    def _mostly_in(self, term: str, named: frozenset[str]) -> bool:
        """Whether the documents `named` hold more of the passages that hold `term` than any
        other document does: "token" names Python Discord's guide on keeping tokens safe (6
        of its passages), but the slash-commands guide says it in 9, so it names no
        subject there."""
        r = self._retriever
        hits = r.search([term], r.passage_count())  # every passage that holds it
        holding = self._docs()[np.array([h.passage for h in hits], dtype=np.int64)]
        wanted = np.array([self._doc_index[name] for name in named], dtype=np.int32)
        inside = np.isin(holding, wanted)
        elsewhere = np.bincount(holding[~inside]) if (~inside).any() else np.zeros(1, int)
        return int(inside.sum()) > int(elsewhere.max())

    def opening(self, source: str) -> tuple[int, int] | None:
        """Where document `source` opens: the passage and the index in it of its first
        sentence of prose with `MIN_OPENING_TERMS` distinct terms at least, not a heading,
        code, a table, nor a row of links ("[**Docs**](…) | [**Playground**](…)": link
        targets are no terms). Documentation opens by saying what its subject is: "pytest" is
        what `pytest.rst`'s opening says, not its licence line, which holds the word as
        often."""
        if source not in self._opening:
            docs = self._docs()
            index = self._doc_index.get(source)
            pids = np.flatnonzero(docs == index) if index is not None else []
            self._opening[source] = next(
                (found for pid in pids if (found := self._opens(int(pid))) is not None), None
            )
        return self._opening[source]

    def _opens(self, pid: int) -> tuple[int, int] | None:
        r = self._retriever
        first = r.sentence_ids(pid).start
        for i, sentence in enumerate(r.passage(pid).sentences):
            if sentence.kind == "prose" and (
                len(r.terms_of_sentence(first + i)) >= MIN_OPENING_TERMS
            ):
                return pid, i
        return None

    def _docs(self) -> np.ndarray:
        """Each passage's document, as an index into the retriever's documents."""
        if self._passage_docs is None:
            r = self._retriever
            self._doc_index = {name: i for i, name in enumerate(r.documents)}
            self._passage_docs = np.array(
                [self._doc_index[r.source_of(pid)] for pid in range(r.passage_count())],
                dtype=np.int32,
            )
        return self._passage_docs


def _folded(name: str) -> str:
    """A name as `Subjects.titled` compares it: case folded, separators one space."""
    return _NAME_SEPARATORS.sub(" ", name.casefold()).strip()
