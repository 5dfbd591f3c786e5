"""Chrome is found as spans over the untouched text; content (FAQ, tables, captions) is kept."""

from __future__ import annotations

from index.ingest import ingest_text
from index.layout import classify, split_lines
from index.models import Document
from tests.paths import SOURCES


def _doc(name: str) -> tuple[Document, str]:
    text = (SOURCES / name).read_text(encoding="utf-8")
    return ingest_text(name, text, None), text


def _quotable(doc: Document, text: str) -> list[str]:
    return [text[s.start : s.end] for p in doc.passages for s in p.sentences]


def test_split_lines_keeps_offsets_exact() -> None:
    text = "one\r\ntwo\n\nthree"
    lines = split_lines(text)
    assert [text[ln.start : ln.end] for ln in lines] == ["one", "two", "", "three"]
    assert [ln.number for ln in lines] == [1, 2, 3, 4]


def test_here_boston_link_list_and_author_bio_are_chrome() -> None:
    doc, text = _doc("here-boston-2026-01-29-bpd-ignored-57-detainers.txt")
    kinds = {c.kind for c in doc.chrome}
    assert {"link-list", "author-bio"} <= kinds
    chrome_text = " ".join(text[c.start : c.end] for c in doc.chrome)
    assert "Deeper Dive" in chrome_text
    assert "Author:" in chrome_text
    quotable = " ".join(_quotable(doc, text))
    assert "HEREBoston.com" not in quotable
    assert "Tyronne Burris" not in quotable


def test_here_boston_faq_and_table_are_content() -> None:
    doc, text = _doc("here-boston-2026-01-29-bpd-ignored-57-detainers.txt")
    sentences = [s for p in doc.passages for s in p.sentences]
    assert sum(s.kind == "question" for s in sentences) >= 5
    rows = [text[s.start : s.end] for s in sentences if s.kind == "table"]
    assert rows and all(r.startswith("|") and r.endswith("|") for r in rows)
    assert not any("---" in r or "| Feature |" in r for r in rows), "header rows are not quoted"


def test_ice_navigation_repeated_headline_and_photo_credit_are_chrome() -> None:
    doc, text = _doc("ice-clashes-with-boston-police-over-detainers.txt")
    by_kind = {c.kind: text[c.start : c.end] for c in doc.chrome}
    assert by_kind["navigation"] == "close"
    assert by_kind["repeated-headline"].startswith("ICE clashes")
    assert by_kind["photo-credit"].startswith("Photo:")
    quotable = _quotable(doc, text)
    assert not any("Photo:" in q or q == "close" for q in quotable)
    caption = [q for q in quotable if "(left)" in q]
    assert caption, "the caption names people and their roles: it is content"


def test_no_passage_overlaps_chrome() -> None:
    for path in sorted(SOURCES.glob("*.txt")):
        doc, _ = _doc(path.name)
        for p in doc.passages:
            for s in p.sentences:
                assert all(s.end <= c.start or s.start >= c.end for c in doc.chrome)


def test_hard_wrapped_markdown_is_one_paragraph() -> None:
    text = "# Title\n\nThe committee met on\nTuesday and voted. It adjourned\nat noon.\n"
    doc = ingest_text("a.md", text, None)
    sentences = [text[s.start : s.end] for p in doc.passages for s in p.sentences]
    assert sentences == ["The committee met on\nTuesday and voted.", "It adjourned\nat noon."]
    assert doc.meta.title == "Title"


def test_three_headline_lines_are_a_link_list_but_one_is_a_heading() -> None:
    lines = classify(
        split_lines(
            "Main Story\nBody sentence one. Body two.\nRelated\nStory A\nStory B\nStory C\n"
        )
    )
    assert [ln.kind for ln in lines[:6]] == [
        "heading",
        "prose",
        "link-list",
        "link-list",
        "link-list",
        "link-list",
    ]


def test_dateline_gives_the_date_when_no_metadata() -> None:
    doc = ingest_text("x.txt", "Springfield, March 3, 2024\nA thing happened today.\n", None)
    assert doc.meta.date == "March 3, 2024"


def test_text_after_a_photo_credit_is_still_indexed() -> None:
    text = (
        "The mayor spoke at City Hall on Monday (Photo by Jane Roe)\n"
        "The council voted nine to four on the plan.\n"
    )
    doc = ingest_text("a.txt", text, None)
    quotable = _quotable(doc, text)
    assert quotable == [
        "The mayor spoke at City Hall on Monday",
        "The council voted nine to four on the plan.",
    ]
    assert [c.kind for c in doc.chrome] == ["photo-credit"]
