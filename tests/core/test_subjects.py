"""Words that name what a document is about (bot/core/subjects.py), and answers kept to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.core.engine import Engine
from bot.loader import load_engine

MakeSources = Callable[[dict[str, str | bytes]], Path]

READMES = {
    "pytest.md": (
        "# pytest\n\nThe pytest framework makes it easy to write small, readable tests.\n\n"
        "Install it with pip.\n"
    ),
    "idna.md": (
        "# idna\n\nSupport for internationalized domain names in applications.\n\n"
        "**Python version support**. This library supports Python 3.10 and higher.\n"
    ),
    "attrs.md": "# attrs\n\nClasses without boilerplate. Write less code for data classes.\n",
    "click.md": "# Click\n\nA package for command line interfaces with as little code as needed.\n",
    "numpy.md": "# numpy\n\nThe fundamental package for scientific computing with arrays.\n",
    "tqdm.md": "# tqdm\n\nA fast progress bar for loops. Wrap any iterable to show progress.\n",
}


def _engine(make_sources: MakeSources) -> Engine:
    engine, _ = load_engine(make_sources(READMES), semantic=False)
    return engine


def test_a_rare_word_of_one_title_names_that_documents_subject(make_sources: MakeSources) -> None:
    """ "pytest" names `pytest.md`; "click" is everyday English and "python" is in no title
    but idna's text; every question term is checked, the subject's own kept in order."""
    engine = _engine(make_sources)
    assert engine.parse("which python versions does pytest support").subject == ("pytest",)
    assert engine.subjects.documents("pytest") == {"pytest.md"}
    assert engine.parse("does click support colors").subject == ()
    assert engine.parse("which python versions are supported").subject == ()


def test_another_documents_answer_is_not_one_for_the_subject_asked(
    make_sources: MakeSources,
) -> None:
    """idna's "This library supports Python 3.10 and higher" answered which versions pytest
    supports; the question about idna still gets it, and a question about pytest that its
    README does not answer is declined, naming it."""
    engine = _engine(make_sources)
    about_idna = engine.ask("which python versions does idna support")
    assert about_idna.status == "answered" and about_idna.snippets[0].source == "idna.md"
    about_pytest = engine.ask("which python versions does pytest support")
    assert about_pytest.status == "no_answer"
    assert all(s.source != "idna.md" for s in about_pytest.snippets)


def test_the_subject_alone_is_what_a_question_asks_about(make_sources: MakeSources) -> None:
    """The subject weighs a quarter in the share a window must hold (its document gives it),
    unless the question asks nothing else: "what is pytest" is answered from its README,
    "how do i report a bug in pytest", which it does not say, is declined."""
    engine = _engine(make_sources)
    what = engine.ask("what is pytest")
    assert what.status == "answered" and what.snippets[0].source == "pytest.md"
    bug = engine.ask("how do i report a bug in pytest")
    assert bug.status == "no_answer"


def test_another_documents_faq_entry_does_not_answer_for_the_subject(
    make_sources: MakeSources,
) -> None:
    """An FAQ entry is held to the subject as a window is: idna's entry on installing "the
    package" does not say how to install pytest, though the two questions match word for word
    but for the name."""
    asked = "How do I install the package with pip on an old Windows machine behind a proxy?"
    files = {**READMES, "idna.md": READMES["idna.md"] + f"\n## {asked}\n\nSet HTTPS_PROXY.\n"}
    engine, _ = load_engine(make_sources(files), semantic=False)
    tail = "with pip on an old windows machine behind a proxy"
    question = engine.parse(f"how do i install pytest {tail}")
    assert question.subject == ("pytest",)
    assert engine.decide(question).faq is None
    own = engine.decide(engine.parse(f"how do i install idna {tail}"))
    assert own.faq is not None and own.faq.source == "idna.md"


def test_a_subject_is_where_the_collection_talks_about_it_most(
    make_sources: MakeSources,
) -> None:
    """ "pytest" names its README even when three other READMEs mention it once each (the
    README holds more of its passages than any one of them); "numpy" titles numpy's README,
    but a guide that uses it in more passages is where the collection talks about it."""
    files = {
        **READMES,
        "pytest.md": READMES["pytest.md"] + "\n## Plugins\n\npytest loads plugins by name.\n",
        "attrs.md": READMES["attrs.md"] + "\nIts tests run under pytest.\n",
        "click.md": READMES["click.md"] + "\nTest it with pytest.\n",
        "tqdm.md": READMES["tqdm.md"] + "\nA pytest run shows no bar.\n",
        "guide.md": "\n\n".join(
            f"## Part {n}\n\nStep {n} converts the data to numpy arrays first." for n in range(3)
        ),
    }
    engine, _ = load_engine(make_sources(files), semantic=False)
    assert engine.parse("how does pytest load plugins").subject == ("pytest",)
    assert engine.parse("how does numpy store arrays").subject == ()


PKGX = (
    "# pkgx\n\n"
    "[Docs](https://pkgx.example.org) | [Chat](https://chat.example.org)\n\n"
    "A tool that keeps calendars in step across devices.\n\n"
    "## License\n\n"
    "pkgx is licensed under the MIT license. Copyright the pkgx authors; pkgx is free.\n"
)


def test_what_a_document_is_about_is_answered_by_its_opening(
    make_sources: MakeSources,
) -> None:
    """ "what is pkgx" is answered by the opening of pkgx's README, not by its licence line,
    which repeats the name three times; the opening never says "pkgx", yet the README is
    about it, so no score on shared words declines it. A question asking more than the
    subject ranks as before."""
    engine, _ = load_engine(make_sources({**READMES, "pkgx.md": PKGX}), semantic=False)
    what = engine.ask("what is pkgx")
    assert what.status == "answered"
    assert what.snippets[0].quote.startswith("A tool that keeps calendars in step")
    licence = engine.ask("what license is pkgx under")
    assert licence.status == "answered" and "MIT" in licence.snippets[0].quote


def test_a_documents_opening_is_its_first_sentence_of_prose(make_sources: MakeSources) -> None:
    """A row of links says nothing of the subject; the first sentence of prose after it does.
    A document the collection does not hold has none."""
    engine, _ = load_engine(make_sources({**READMES, "pkgx.md": PKGX}), semantic=False)
    r = engine.retriever
    opening = engine.subjects.opening("pkgx.md")
    assert opening is not None
    pid, first = opening
    sentence = r.passage(pid).sentences[first]
    assert r.source_of(pid) == "pkgx.md"
    assert str(r.text("pkgx.md")[sentence.start : sentence.end]).startswith("A tool that keeps")
    assert engine.subjects.opening("missing.md") is None


def test_a_name_typed_whole_names_its_document_whatever_its_words(
    make_sources: MakeSources,
) -> None:
    """ "click" is everyday English, so no subject, and "rank" in "rank-bm25" too; typed as
    a document's whole file name or title, each names that document, and "what is" it is
    answered by its opening. A name several documents share names none."""
    files = {
        **READMES,
        "rank-bm25.md": (
            "# Rank-BM25\n\nA collection of ranking functions for search over documents.\n\n"
            "## Install\n\npip install rank-bm25 to get rank-bm25 and rank-bm25 extras.\n"
        ),
        "tutorial.md": "# Click\n\nA tutorial on building a command line with it.\n",
    }
    engine, _ = load_engine(make_sources(files), semantic=False)
    assert engine.subjects.titled("Rank_BM25") == "rank-bm25.md"
    assert engine.subjects.titled("rank") is None
    assert engine.subjects.titled("click") is None  # click.md, and tutorial.md's title
    assert engine.subjects.titled("Tutorial") == "tutorial.md"
    what = engine.ask("what is rank-bm25")
    assert what.status == "answered"
    assert what.snippets[0].quote.startswith("A collection of ranking functions")
