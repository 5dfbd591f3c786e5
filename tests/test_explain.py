"""`ask --explain` reports the engine's own reading and decision (bot/explain.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.core.engine import NOT_OPENING, Engine
from bot.core.evidence import Candidate
from bot.explain import explain, render_explanation
from bot.loader import load_engine

MakeSources = Callable[[dict[str, str | bytes]], Path]

GUIDE = """# Watering guide

Orchids want bright, indirect light and water once a week.

Cacti want full sun and water once a month.
"""


def _engine(make_sources: MakeSources) -> Engine:
    engine, _ = load_engine(make_sources({"guide.md": GUIDE}))
    return engine


def test_an_answer_is_explained_by_the_windows_it_weighed(make_sources: MakeSources) -> None:
    engine = _engine(make_sources)
    question = "how often should i water orchids"
    explained = explain(engine, question)
    assert explained.answer == engine.ask(question), "the outcome is the engine's own"
    assert explained.answer.status == "answered"
    assert explained.considered, "the windows weighed are listed"
    first = explained.considered[0]
    assert "Orchids" in first.quote and first.source == "guide.md" and first.line == 3
    assert {"passage", "sentence", "coverage", "heading"} <= set(first.features)
    assert [c.score for c in explained.considered] == sorted(
        (c.score for c in explained.considered), reverse=True
    )
    assert explained.answerability is not None and explained.threshold is not None
    assert explained.answerability >= explained.threshold
    text = render_explanation(explained)
    assert "Outcome: answered" in text and "guide.md line 3" in text


def test_a_decline_is_explained_with_its_reason(make_sources: MakeSources) -> None:
    engine = _engine(make_sources)
    explained = explain(engine, "what price do orchids sell for in paris")
    assert explained.answer.status == "no_answer"
    assert explained.answer.note and explained.answer.note in render_explanation(explained)
    nothing = explain(engine, "zzzz qqqq")
    assert nothing.considered == [] and "no passage holds a word" in render_explanation(nothing)


def test_the_words_no_source_uses_are_named(make_sources: MakeSources) -> None:
    engine = _engine(make_sources)
    explained = explain(engine, "how often should i water bonsai orchids")
    assert explained.unseen == ["bonsai"]
    assert "terms no source uses: bonsai" in render_explanation(explained)
    assert explain(engine, "how often should i water orchids").unseen == []


def test_a_decline_tells_words_no_source_uses_from_words_the_passage_lacks(
    make_sources: MakeSources,
) -> None:
    """A word the closest passage lacks may be elsewhere in the sources; a word no source
    uses is the asker's wording, which rephrasing in the sources' words can fix. The missing
    words are the topic's: an everyday one ("in winter") costs little (index/rarity)."""
    folder = make_sources(
        {
            "orchids.md": "# Orchids\n\nOrchids want bright, indirect light and water weekly.\n",
            "cacti.md": "# Cacti\n\nCacti want full sun and water once a month.\n",
        }
    )
    engine, _ = load_engine(folder, semantic=False)
    assert engine.ask("how much sun do orchids want in a terrarium").note == (
        "The sources do not answer this; the closest passage does not mention sun, "
        "and no source uses the word terrarium."
    )
    # The words that weigh most first: a place no source names, then the rarer word.
    assert engine.ask("what price do orchids sell for in paris").note == (
        "The sources do not answer this; no source uses the words paris, sell, price."
    )


def test_what_led_the_answer_is_named(make_sources: MakeSources) -> None:
    """A card or an FAQ entry may lead where the windows' score would decline: the
    explanation says which evidence the arbiter chose."""
    assert explain(_engine(make_sources), "how often should i water orchids").lead == (
        "the quote windows"
    )
    report = (
        "Detainer report\n\n"
        "The police department received 15 detainer requests in 2024.\n\n"
        "Frequently Asked Questions\n"
        "Why were the requests declined?\n"
        "The city's law forbids holding people for civil detainers.\n"
    )
    facts = (
        "[[fact]]\n"
        'subject = "Police department"\n'
        'measure = "detainer requests received"\n'
        'period = "2024"\n'
        'value = "15"\n'
        'claimed_by = "Police department"\n'
        'source = "report.txt"\n'
        'quote = "The police department received 15 detainer requests in 2024."\n'
    )
    folder = make_sources({"report.txt": report, "facts.toml": facts})
    engine, _ = load_engine(folder, semantic=False)
    faq = explain(engine, "why were the requests declined")
    assert faq.lead == "the FAQ entry “Why were the requests declined?” (report.txt line 6)"
    card = explain(engine, "how many detainer requests did the police department receive in 2024")
    assert card.lead.startswith("a fact card, “detainer requests received” (2024), match score")
    assert f"Led by: {card.lead}" in render_explanation(card)


def test_the_explanation_shows_what_each_word_weighs(make_sources: MakeSources) -> None:
    """Two words no source uses have the same IDF; the everyday one weighs less, and the
    moderator sees it."""
    folder = make_sources({"orchids.md": "# Orchids\n\nOrchids want bright light.\n"})
    engine, _ = load_engine(folder, semantic=False)
    explained = explain(engine, "is it actually fine to water orchids in a terrarium")
    assert explained.weights["actual"] < explained.weights["terrarium"]
    assert set(explained.weights) == set(explained.terms)
    shown = render_explanation(explained)
    assert "weights (IDF × rarity in English): terrarium" in shown


LIBRARIES = {
    f"{name}.md": f"# {name}\n\n{name} is a small library. It reads {topic}.\n"
    for name, topic in [
        ("pytest", "test files"),
        ("idna", "domain names"),
        ("attrs", "class fields"),
        ("tqdm", "loops"),
        ("numpy", "arrays"),
    ]
}
"""Five READMEs, each naming its own subject: enough documents for a word to name one."""


def test_a_word_naming_a_documents_subject_is_shown_with_its_document(
    make_sources: MakeSources,
) -> None:
    """A moderator sees why answers were kept to one document: the word, and what it names."""
    files = dict(LIBRARIES)
    engine, _ = load_engine(make_sources(files), semantic=False)
    explained = explain(engine, "what does pytest read")
    assert explained.subject == {"pytest": ["pytest.md"]}
    shown = render_explanation(explained)
    assert "names the subject of: pytest → pytest.md" in shown
    assert {c.source for c in explained.considered if not c.set_aside} == {"pytest.md"}
    assert any(c.set_aside for c in explained.considered)  # the others "read" too
    assert "(not about the subject named: never quoted)" in shown
    assert explain(engine, "what does it read").subject == {}


def test_windows_where_the_party_asked_about_does_not_speak_are_marked(
    make_sources: MakeSources,
) -> None:
    """For "what did Mayor Lee say …" only windows where she speaks are judged. The windows
    ranked best only mention her: the moderator sees them set aside, and the score shown is
    that of the window the engine judged, which lacks "parks" and is declined; the best
    window's score would have passed, contradicting the outcome."""
    news = (
        "Budget news\n\n"
        "The budget of Mayor Lee was cut by the council, and the budget office of Mayor Lee "
        "closed.\n\n"
        "Parks get new benches. The pool opens in June. The library adds hours.\n\n"
        "Elsewhere\n\n"
        '"We will grow the budget next year," Mayor Lee said.\n'
    )
    engine, _ = load_engine(make_sources({"news.txt": news}), semantic=False)
    asked = "what did Mayor Lee say about the budget of the parks"
    explained = explain(engine, asked)
    assert explained.considered[0].set_aside == "not the words of the party asked about"
    shown = render_explanation(explained)
    assert "(not the words of the party asked about: never quoted)" in shown
    question = engine.parse(asked)
    found = engine.decide(question).found
    assert found is not None
    kept = engine.judged(question, found).evidence
    assert "Mayor Lee said" in engine.snippet_text(kept.best)
    model = engine.config.policy.answerability_of(kept)

    def score(window: Candidate) -> float:
        return round(model.score(window, kept, engine.coverage(kept, window.pid)), 3)

    assert explained.answerability == score(kept.best) < model.threshold <= score(found.best)
    assert explained.answer.status == "no_answer"


def test_the_opening_of_the_document_asked_about_is_shown_as_not_judged_by_the_score(
    make_sources: MakeSources,
) -> None:
    """ "what is pkgx" is answered by its README's opening, which never says "pkgx": the
    moderator sees the other windows set aside and why a low score did not decline it."""
    files = dict(LIBRARIES)
    files["pkgx.md"] = (
        "# pkgx\n\nA tool that keeps calendars in step across devices.\n\n"
        "## License\n\npkgx is licensed under the MIT license; pkgx is free.\n"
    )
    engine, _ = load_engine(make_sources(files), semantic=False)
    explained = explain(engine, "what is pkgx")
    assert explained.settled
    assert explained.answer.snippets[0].quote.startswith("A tool that keeps calendars")
    aside = [c for c in explained.considered if c.set_aside]
    assert aside and all(c.set_aside == NOT_OPENING for c in aside)
    shown = render_explanation(explained)
    assert "not judged: the window opens the document the question asks about" in shown
    assert not explain(engine, "what license is pkgx under").settled
