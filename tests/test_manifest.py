from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from index.errors import DataFileError
from index.ingest import read_sources
from index.manifest import load_manifest

MakeSources = Callable[[dict[str, str | bytes]], Path]


def test_metadata_comes_from_the_manifest(make_sources: MakeSources) -> None:
    folder = make_sources(
        {
            "a.txt": "Some text here.\n",
            "sources.toml": '[[source]]\nfile = "a.txt"\ntitle = "A"\npublisher = "P"\n'
            'date = "2020-01-01"\nurl = "https://example.org/a"\n',
        }
    )
    metas, warnings = load_manifest(folder)
    meta = metas["a.txt"]
    assert warnings == []
    assert (meta.title, meta.publisher, meta.date, meta.url) == (
        "A",
        "P",
        "2020-01-01",
        "https://example.org/a",
    )


def test_without_metadata_the_title_comes_from_the_text(make_sources: MakeSources) -> None:
    from index.ingest import ingest

    folder = make_sources({"river-report.md": "# The River Report\n\nIt flooded twice.\n"})
    (doc,) = ingest(read_sources(folder)).documents
    assert doc.meta.title == "The River Report"
    assert doc.meta.publisher == "not stated"


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ('[[source]]\ntitle = "A"\n', 1, "file"),
        ('[[source]]\nfile = "a.txt"\ntitle = "A"\ncolour = "red"\n', 4, "colour"),
        (
            '[[source]]\nfile = "a.txt"\ntitle = "A"\n[[source]]\nfile = "a.txt"\ntitle = "B"\n',
            5,
            "duplicate",
        ),
        ('[[source]]\nfile = "a.txt\n', 2, "invalid TOML"),
    ],
)
def test_bad_manifest_names_file_line_and_problem(
    make_sources: MakeSources, body: str, line: int, problem: str
) -> None:
    folder = make_sources({"a.txt": "Text.\n", "sources.toml": body})
    with pytest.raises(DataFileError) as info:
        load_manifest(folder)
    assert info.value.line == line
    assert problem in str(info.value)
    assert str(folder / "sources.toml") in str(info.value)


def test_manifest_entry_without_a_file_is_reported(make_sources: MakeSources) -> None:
    folder = make_sources(
        {"a.txt": "Text.\n", "sources.toml": '[[source]]\nfile = "gone.txt"\ntitle = "G"\n'}
    )
    assert any("gone.txt" in w for w in read_sources(folder).warnings)


def test_manifest_that_is_not_utf8_names_its_line(make_sources: MakeSources) -> None:
    folder = make_sources(
        {
            "a.txt": "Text.\n",
            "sources.toml": '[[source]]\nfile = "a.txt"\ntitle = "Caf\xe9"\n'.encode("latin-1"),
        }
    )
    with pytest.raises(DataFileError) as info:
        load_manifest(folder)
    assert info.value.line == 3
    assert "UTF-8" in str(info.value)


def test_many_bad_urls_count_the_manifests_lines_once(
    make_sources: MakeSources, line_break_counts: list[int]
) -> None:
    """A warning names the line of each bad URL: found from the top of the file for each, a
    manifest of thousands of entries took time quadratic in their number (issue 21)."""
    body = "\n".join(  # five lines an entry: its url on the fourth
        f'[[source]]\nfile = "f{i}.txt"\ntitle = "F"\nurl = "ftp://example.org/{i}"\n'
        for i in range(2000)
    )
    folder = make_sources({"sources.toml": body})
    metas, warnings = load_manifest(folder)
    assert len(metas) == len(warnings) == 2000
    assert warnings[-1].startswith(f"{folder / 'sources.toml'}:9999: source entry 2000: url ")
    # One count over the file for the entries, and within each entry for its url's line.
    assert sum(line_break_counts) <= 2 * len(body)


def test_sources_init_escapes_what_a_terminal_or_toml_would_act_on(
    make_sources: MakeSources, capsys: pytest.CaptureFixture[str]
) -> None:
    """A title from a source is not ours: a bidi override (U+202E) or a C1 control (U+0085)
    in it is written to the draft escaped, and TOML reads the title back as it was."""
    from bot.cli import main

    title = "Depot \u202enotes\u0085 of 1911"
    folder = make_sources({"depot.txt": f"{title}\n\nThe depot opened in 1911.\n"})
    assert main(["--sources", str(folder), "sources", "init"]) == 0
    capsys.readouterr()
    written = (folder / "sources.toml").read_text(encoding="utf-8")
    assert "\u202e" not in written and "\u0085" not in written
    assert '"Depot \\u202enotes\\u0085 of 1911"' in written
    (entry,) = tomllib.loads(written)["source"]
    assert entry["title"] == title
