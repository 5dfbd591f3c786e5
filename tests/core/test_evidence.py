"""Semantic evidence: paraphrases find their sentence, facts match on meaning, and lexical
mode stays as it was. Small corpora written for each case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.engine import Engine, EngineConfig
from bot.core.policy import Policy
from bot.loader import load_engine
from tests.test_verbatim import assert_verbatim_at

MakeSources = Callable[[dict[str, str | bytes]], Path]

HARBOR = (
    "Harbor Notes\n\n"
    "## Records\n\n"
    "The harbor office keeps its records of the lighthouse in the old customs house. "
    "Visitors may see the lighthouse lamp on Sundays.\n\n"
    "## People\n\n"
    "After thirty years of service, the lighthouse keeper Ada Marsh retired last spring. "
    "The town held a dinner in her honour.\n\n"
    "## Ferry\n\n"
    "The ferry to the island runs twice a day in summer.\n"
)
AGENCY = "Agency Report\n\nThe agency sent 198 requests in 2024, spokeswoman Jo Lee wrote.\n"
AGENCY_FACTS = """[[fact]]
subject = "Agency"
measure = "agency spokeswoman"
period = "2024"
value = "Jo Lee"
claimed_by = "Agency Report"
source = "agency.txt"
quote = "The agency sent 198 requests in 2024, spokeswoman Jo Lee wrote."
"""


def test_nearest_sentences_bring_a_passage_bm25_missed(make_sources: MakeSources) -> None:
    """The paraphrase shares only "lighthouse" with its answer, and more of it with another
    passage: BM25's best passage is the wrong one, the nearest sentence brings the right one,
    and its window is the closest in meaning."""
    folder = make_sources({"harbor.txt": HARBOR})
    semantic, notes = load_engine(folder, semantic=True)
    assert semantic.semantic, notes
    engine = Engine(semantic.retriever, EngineConfig(passages=1, nearest=1), semantic.facts)
    question = engine.parse("Which lighthouse worker stepped down after three decades?")
    evidence = engine.finder.find(question)
    brought = [x for x in evidence.retrieved if not x.lexical]
    assert [x.lexical for x in evidence.retrieved] == [True, False]
    assert "retired" in engine.passage_text(brought[0].passage)
    closest = max(evidence.candidates, key=lambda c: c.features["cosine"])
    assert "retired" in closest.body
    assert_verbatim_at(folder, engine.answer(question))


def test_a_fact_matches_on_meaning_in_semantic_mode_only(make_sources: MakeSources) -> None:
    folder = make_sources({"agency.txt": AGENCY, "facts.toml": AGENCY_FACTS})
    semantic, _ = load_engine(folder, semantic=True)
    lexical, _ = load_engine(folder, semantic=False)
    question = "Who speaks for the agency?"
    answer = semantic.ask(question)
    assert answer.facts is not None and answer.answer is not None
    assert answer.answer.startswith("Jo Lee")
    assert lexical.ask(question).facts is None


def test_match_scores_put_a_cosine_on_the_fuzzy_scale() -> None:
    policy = Policy()
    at = policy.match_score(policy.card_min_cosine, policy.card_min_cosine, 90.0)
    assert at == 90.0
    assert policy.match_score(policy.card_min_cosine - 0.1, policy.card_min_cosine, 90.0) < 90
    assert policy.match_score(None, policy.card_min_cosine, 90.0) == 0.0
    # Two texts that share no search term match on words alone, whatever their cosine.
    assert policy.match_score(0.99, policy.card_min_cosine, 90.0, shares_word=False) == 0.0


def test_the_question_is_encoded_once(semantic_engine: Engine, monkeypatch) -> None:
    encoder = semantic_engine.retriever.encoder
    assert encoder is not None
    calls: list[str] = []
    original = encoder.encode_query

    def counting(text: str):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(encoder, "encode_query", counting)
    semantic_engine.ask("How many detainer requests did Boston police ignore in 2025?")
    assert len(calls) == 1


def test_lexical_mode_encodes_nothing(engine: Engine) -> None:
    assert engine.retriever.encoder is None and not engine.semantic
    assert engine.parse("Who is the ICE spokeswoman?").vector is None


def test_every_window_is_its_source_text_at_its_offsets(make_sources: MakeSources) -> None:
    """Windows are sliced from one decoded slice per passage of a mapped source file; multibyte
    characters before and inside them must not shift a window's text off its offsets."""
    text = "Dock Report\n\n" + " ".join(
        f"The dock – east side – held {n} barges in Máy, café “{n}”." for n in range(40)
    )
    folder = make_sources({"dock.txt": text + "\n"})
    load_engine(folder, semantic=False)  # builds; the next load maps the saved index
    engine, _ = load_engine(folder, semantic=False)
    question = engine.parse("How many barges did the east dock hold?")
    candidates = engine.finder.find(question).candidates
    assert len(candidates) > 10
    for c in candidates:
        assert c.body == text[c.start : c.end]


def _lexical(make_sources: MakeSources, name: str, text: str) -> Engine:
    """A lexical engine over one file."""
    engine, _ = load_engine(make_sources({name: text}), semantic=False)
    return engine


def test_a_window_holds_more_of_a_question_whose_missing_word_is_everyday(
    make_sources: MakeSources,
) -> None:
    """The answer-or-decline score reads the window's share of the question's weight: with
    "actually" missing it holds more than with "zoning" missing, though neither word is in
    the sources (the same IDF)."""
    engine = _lexical(make_sources, "harbor.md", HARBOR)
    shares = []
    for word in ("actually", "zoning"):
        question = engine.parse(f"when does the ferry {word} run to the island")
        best = engine.finder.find(question).best
        assert "ferry" in best.body
        f = best.features
        assert 0.0 < f["unseen_share"] < 1.0  # the missing word is in no source
        assert f["share"] == pytest.approx(f["known_share"] * (1.0 - f["unseen_share"]))
        shares.append(f["share"])
    assert shares[0] > shares[1]


def test_no_window_runs_into_a_run_in_label(make_sources: MakeSources) -> None:
    """An FAQ entry stated as a problem is a paragraph wholly in bold: a window ran from the
    end of the entry before it into that title, and led "my where clause returns every row"
    with the other entry's last sentence. A window may open with a label, never run into one,
    and a label alone (a problem stated, "**Output:**") is no window."""
    page = (
        "<html><body><h1>FAQ</h1><p><b>(23) I get a compiler error.</b></p>"
        "<blockquote>Build it with the other options.</blockquote>"
        "<p><b>(24) My WHERE clause returns every row.</b></p>"
        "<blockquote>Use single quotes around strings in a WHERE clause.</blockquote>"
        "</body></html>"
    )
    engine = _lexical(make_sources, "faq.html", page)
    found = engine.finder.find(engine.parse("my where clause returns every row, why"))
    assert found.candidates
    for window in found.candidates:
        kinds = [s.kind for s in window.sentences]
        labels = [i for i, kind in enumerate(kinds) if kind == "label"]
        assert labels == list(range(len(labels))) and len(labels) < len(kinds)
    assert found.best.body.startswith("(24) My WHERE") and "single quotes" in found.best.body


def test_an_faq_answer_carries_the_question_that_titles_its_section(
    make_sources: MakeSources,
) -> None:
    """A question line before an answer lends the answer its words; so does a question that
    titles the answer's section (the Python FAQ's headings), for the section's first
    passage only: "does python have the ?: ternary thing" was declined in semantic mode for
    want of "ternary", which only the heading held."""
    faq = (
        "Programming FAQ\n===============\n\n"
        "Is there a ternary operator?\n----------------------------\n\n"
        "Yes, there is a conditional expression for it.\n\n"
        "How do I sort a list?\n---------------------\n\n"
        "Call its sort method, which works in place.\n"
    )
    engine = _lexical(make_sources, "faq.rst", faq)
    found = engine.finder.find(engine.parse("does python have a ternary thing"))
    answer = next(c for c in found.candidates if c.body.startswith("Yes, there is"))
    assert answer.features["coverage"] > 0 and found.best is answer
    other = engine.finder.find(engine.parse("how do i sort"))
    assert all(c.features["coverage"] == 0 for c in other.candidates if c.body.startswith("Yes"))


DOCKER_ERRORS = (
    "# Troubleshooting\n\n"
    "### Error loading config file\n"
    "```plaintext\n"
    "WARNING: Error loading config file: /home/user/.docker/config.json -\n"
    "stat /home/user/.docker/config.json: permission denied\n"
    "```\n"
    "Remove the directory; it is created again with the right permissions.\n\n"
    "### Listing containers\n"
    "Run this to list the containers that are running:\n\n"
    "```sh\n"
    "docker ps --filter status=running\n"
    "```\n"
)


def test_code_that_repeats_the_pasted_error_is_not_quoted(make_sources: MakeSources) -> None:
    """A pasted error matched the guide's copy of it best, so the bot quoted the asker's own
    error back at them; the sentence after the copy, which explains it, now carries its words
    and leads. A code block the question does not repeat is still quoted with its text."""
    engine = _lexical(make_sources, "docker.md", DOCKER_ERRORS)
    pasted = "WARNING: Error loading config file: /home/me/.docker/config.json permission denied"
    found = engine.finder.find(engine.parse(pasted))
    assert all("WARNING" not in c.body for c in found.candidates)
    assert found.best.body.startswith("Remove the directory")
    how = engine.finder.find(engine.parse("how do i list the running containers"))
    assert "docker ps" in how.best.body


def test_a_command_that_shares_the_questions_words_is_its_answer(
    make_sources: MakeSources,
) -> None:
    """ "$ pip install pkgx" holds every word of "how do i install pkgx" but repeats no
    phrase the asker pasted: it is the answer, quoted, not read as the question."""
    readme = (
        "# pkgx\n\nA tool that keeps calendars in step.\n\n"
        "## Installation\n\n```\n$ pip install pkgx\n```\n\n"
        "## Usage\n\nRun pkgx sync to install the calendars on every device.\n"
    )
    engine = _lexical(make_sources, "pkgx.md", readme)
    answer = engine.ask("how do i install pkgx")
    assert answer.status == "answered"
    assert "pip install pkgx" in answer.snippets[0].quote


def test_a_count_of_something_else_is_not_ranked_as_the_count_asked(
    make_sources: MakeSources,
) -> None:
    """For "how many embeds …" a sentence counting characters does not carry the kind of
    answer asked, the test the policy declines on; a count of embeds, or a figure that does
    not say what it counts, does."""
    limits = (
        "# Limits\n\n"
        "An embed footer is limited to 256 characters.\n\n"
        "## Messages\n\n"
        "A message is limited to 10 embeds.\n\n"
        "## Totals\n\n"
        "All embeds in a message together are limited to 6000.\n"
    )
    engine = _lexical(make_sources, "limits.md", limits)
    found = engine.finder.find(engine.parse("how many embeds can a message have"))
    kinds = {c.body: c.features["kind"] for c in found.candidates if c.count == 1}
    assert kinds["An embed footer is limited to 256 characters."] == 0.0
    assert kinds["A message is limited to 10 embeds."] == 1.0
    assert kinds["All embeds in a message together are limited to 6000."] == 1.0
