"""What is read from the sources folder: nothing through a link that leaves it, no binary file,
no URL that cannot be a link; and a bad source costs only itself and the facts citing it."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.loader import load_engine
from index.errors import DataFileError
from index.ingest import read_sources
from index.urls import MAX_URL_CHARS, url_problem
from tests.deep_folders import nested_past_the_path_limit

MakeSources = Callable[[dict[str, str | bytes]], Path]
DOC = "Harbor Notes\n\nThe harbor master counted 31 sailboats in June. Ferries ran hourly.\n"
SECRET = "Secret\n\nThe secret code is 4711 zebras.\n"
ZOO = "Zoo Notes\n\nThe zoo had 12 zebras. The zoo had 3 lions.\n"


def fact(source: str, quote: str = "The zoo had 12 zebras.", value: str = "12") -> str:
    return (
        f'[[fact]]\nsubject = "Zoo"\nmeasure = "animals"\nvalue = "{value}"\n'
        f'claimed_by = "Zoo"\nsource = "{source}"\nquote = "{quote}"\n'
    )


HARBOR_FACT = fact("a.txt", "The harbor master counted 31 sailboats in June.", "31")


# Links ---------------------------------------------------------------------------------


def test_a_file_link_out_of_the_folder_is_not_followed(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text(SECRET)
    folder = make_sources({"a.txt": DOC})
    (folder / "p.txt").symlink_to(tmp_path / "secret.txt")
    sources = read_sources(folder)
    assert list(sources.texts) == ["a.txt"]
    (warning,) = sources.warnings
    assert warning.startswith(f"{folder / 'p.txt'}: a link to {tmp_path / 'secret.txt'}")
    assert "outside the sources folder" in warning


def test_a_link_to_etc_passwd_is_never_quoted(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    (folder / "p.txt").symlink_to("/etc/passwd")
    engine, notes = load_engine(folder)
    assert any("p.txt" in n and "not followed" in n for n in notes)
    assert "p.txt" not in engine.retriever.documents
    assert all("root" not in s.quote for s in engine.ask("root bin bash").snippets)


def test_a_folder_link_out_of_the_folder_is_not_followed(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text(SECRET)
    folder = make_sources({"a.txt": DOC})
    (folder / "more").symlink_to(tmp_path / "outside", target_is_directory=True)
    sources = read_sources(folder)
    assert list(sources.texts) == ["a.txt"]
    assert any(w.startswith(f"{folder / 'more'}: a link to") for w in sources.warnings)


def test_links_that_stay_inside_are_followed_and_loops_end(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    (folder / "sub").mkdir()
    (folder / "sub" / "b.md").write_text(ZOO)
    (folder / "alias.txt").symlink_to("a.txt")
    (folder / "loop").symlink_to(".", target_is_directory=True)
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)
    sources = read_sources(folder)
    assert sorted(sources.texts) == ["a.txt", "alias.txt", "sub/b.md"]
    assert sources.warnings == []


def test_a_broken_link_is_named(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    (folder / "gone.txt").symlink_to("nowhere.txt")
    sources = read_sources(folder)
    assert sources.warnings == [f"{folder / 'gone.txt'}: a broken link; skipped"]


@pytest.mark.parametrize("name", ["facts.toml", "sources.toml"])
def test_the_folders_own_files_are_not_read_through_a_link_out_of_it(
    make_sources: MakeSources, tmp_path: Path, name: str
) -> None:
    """The rule the sources obey holds for every file read from the folder: a facts.toml or
    sources.toml linked from elsewhere is refused in one line, never read."""
    body = HARBOR_FACT if name == "facts.toml" else '[[source]]\nfile = "a.txt"\ntitle = "H"\n'
    (tmp_path / name).write_text(body)
    folder = make_sources({"a.txt": DOC})
    (folder / name).symlink_to(tmp_path / name)
    with pytest.raises(DataFileError) as caught:
        load_engine(folder)
    assert str(caught.value) == (
        f"{folder / name}: a link to {tmp_path / name}, outside the sources folder: not followed"
    )


def test_the_folders_own_files_may_link_inside_it(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    (folder / "curated").mkdir()
    (folder / "curated" / "facts.toml").write_text(HARBOR_FACT)
    (folder / "facts.toml").symlink_to("curated/facts.toml")
    engine, notes = load_engine(folder)
    assert notes == [] and engine.facts is not None
    assert [f.value for f in engine.facts.facts if f.origin == "curated"] == ["31"]


def test_a_fact_citing_a_source_through_a_folder_link_out_is_skipped_unread(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "zoo.txt").write_bytes(b"Caf\xe9\n")  # reading it would say so
    folder = make_sources({"a.txt": DOC, "facts.toml": fact("more/zoo.txt")})
    (folder / "more").symlink_to(tmp_path / "outside", target_is_directory=True)
    _, notes = load_engine(folder)
    (note,) = [n for n in notes if "curated fact" in n]
    assert note.startswith(f"{folder / 'more'}: a link to {tmp_path / 'outside'}, outside")
    assert "UTF-8" not in note


# Paths the OS refuses, names that are not UTF-8 ---------------------------------------------


def test_a_file_past_the_path_limit_costs_only_itself(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC})
    deep = nested_past_the_path_limit(folder, ZOO.encode())
    engine, notes = load_engine(folder)
    assert list(engine.retriever.documents) == ["a.txt"]
    (note,) = notes
    assert note.startswith(str(folder / ("d" * 250))) and "File name too long" in note
    assert str(deep).startswith(note.split(":")[0]), note
    answer = engine.ask("How many sailboats did the harbor master count?")
    assert answer.status == "answered"


def test_a_name_that_is_not_utf8_costs_only_itself_named_with_escapes(
    make_sources: MakeSources,
) -> None:
    folder = make_sources({"a.txt": DOC})
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(ZOO)
    (folder / os.fsdecode(b"d\xff")).mkdir()
    (folder / os.fsdecode(b"d\xff") / "inner.txt").write_text(ZOO)
    (folder / "a.txt").rename(folder / "b.txt")
    engine, notes = load_engine(folder)
    assert list(engine.retriever.documents) == ["b.txt"]
    assert sorted(notes) == [
        f"{folder}/caf\\xe9.txt: its name is not UTF-8: not read; skipped",
        f"{folder}/d\\xff: its name is not UTF-8: not read; skipped",
    ]
    answer = engine.ask("How many sailboats did the harbor master count?")
    assert answer.status == "answered"


def test_a_sources_folder_whose_own_name_is_not_utf8_is_served(tmp_path: Path) -> None:
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    (folder / "a.txt").write_text(DOC)
    for _ in range(2):  # built and saved, then loaded from its cache folder
        engine, notes = load_engine(folder)
        assert notes == []
        assert engine.ask("How many sailboats did the harbor master count?").status == "answered"


def test_commands_name_a_sources_folder_that_is_not_utf8_with_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder's path in a report or an error shows its undecodable bytes as escapes, as
    its files' do: printed as they are, they cannot be written as UTF-8 at all."""
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    folder.mkdir()
    (folder / "a.txt").write_text(DOC)
    (folder / "facts.toml").write_text(HARBOR_FACT)
    assert main(["--sources", str(folder), "facts", "check"]) == 0
    shown = f"{tmp_path}/caf\\xe9/facts.toml"
    assert capsys.readouterr().out.startswith(f"{shown}: 1 curated facts OK")
    (folder / "facts.toml").write_text(HARBOR_FACT.replace("31 sailboats", "32 sailboats"))
    assert main(["--sources", str(folder), "facts", "check"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {shown}:7: fact 1: quote not found")


def test_a_named_pipe_among_the_sources_is_named_unread(make_sources: MakeSources) -> None:
    """Reading it would wait for a writer; skipping it without a word would hide a file."""
    folder = make_sources({"a.txt": DOC})
    os.mkfifo(folder / "pipe.md")
    engine, notes = load_engine(folder)
    assert list(engine.retriever.documents) == ["a.txt"]
    assert notes == [
        f"{folder / 'pipe.md'}: not a regular file (a named pipe or a device); skipped"
    ]


# Binary files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b"\x00" * 5033, ":1:"),
        (b"Zoo Notes\n\nThe zoo had 12 zebras.\x00\x00\n", ":3:"),
        ("Zoo Notes\n\nThe zoo had 12 zebras.\n".encode("utf-16-le"), ":1:"),
        (bytes(range(1, 9)) * 300, ":"),
    ],
    ids=["all-nul", "some-nul", "utf16-without-bom", "control-characters"],
)
def test_binary_files_are_skipped_by_name(
    make_sources: MakeSources, body: bytes, where: str
) -> None:
    folder = make_sources({"a.txt": DOC, "bin.txt": body})
    engine, notes = load_engine(folder)
    assert list(engine.retriever.documents) == ["a.txt"]
    (note,) = notes
    assert note.startswith(f"{folder / 'bin.txt'}{where}") and "binary" in note, note
    assert note.endswith("; skipped")


def test_a_few_escape_sequences_do_not_make_a_file_binary(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC.replace("Ferries", "\x1b[1mFerries\x1b[0m")})
    engine, notes = load_engine(folder)
    assert notes == [] and list(engine.retriever.documents) == ["a.txt"]


# URLs in sources.toml ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.org/" + "a" * MAX_URL_CHARS, "characters long"),
        ("https://example.org/a b", "white space"),
        ("https://example.org/\nb", "white space"),
        ("https://example.org/\x1b[31m", "control"),
        ("https://exa\u200bmple.org/", "control"),
        ("javascript:alert(1)", "http"),
        ("ftp://example.org/x", "http"),
        ("https:///only/a/path", "no host"),
        ("https://example.org:99999/", "not a valid URL"),
        ("http://[::1/", "not a valid URL"),
    ],
)
def test_bad_urls_are_named(url: str, problem: str) -> None:
    found = url_problem(url)
    assert found is not None and problem in found


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://10.0.0.1:8080/x"])
def test_good_urls_pass(url: str) -> None:
    assert url_problem(url) is None


def manifest(url: str) -> str:
    return (
        '# sources\n\n[[source]]\nfile = "a.txt"\ntitle = "Harbor"\n'
        f"url = {url}\n"
        'publisher = "Port"\n'
    )


@pytest.mark.parametrize(
    "url",
    [f'"https://example.org/{"a" * 600}"', '"https://example.org/a b"', '"ftp://x.org/"', "3"],
)
def test_a_bad_url_is_a_warning_at_its_line_and_the_source_is_served(
    make_sources: MakeSources, url: str
) -> None:
    folder = make_sources({"a.txt": DOC, "sources.toml": manifest(url)})
    engine, notes = load_engine(folder)
    (note,) = notes
    assert note.startswith(f"{folder / 'sources.toml'}:6: source entry 1: url ")
    assert note.endswith("a.txt is served without a link")
    meta = engine.retriever.documents["a.txt"].meta
    assert (meta.title, meta.publisher, meta.url) == ("Harbor", "Port", None)
    answer = engine.ask("How many sailboats did the harbor master count?")
    assert answer.status == "answered" and answer.snippets[0].url is None


def test_a_good_url_is_kept(make_sources: MakeSources) -> None:
    folder = make_sources({"a.txt": DOC, "sources.toml": manifest('"https://example.org/a"')})
    engine, notes = load_engine(folder)
    assert notes == []
    assert engine.retriever.documents["a.txt"].meta.url == "https://example.org/a"


# A bad source cited by facts.toml ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (ZOO.encode() + b"Caf\xe9\n", ":4: not valid UTF-8 (byte "),
        (b"", ": empty file"),
        (ZOO.encode() + b"\x00", ":4: binary (NUL bytes)"),
        (b"Zoo\n", ": no quotable text after cleaning"),
    ],
    ids=["not-utf8", "empty", "binary", "nothing-quotable"],
)
def test_facts_citing_a_skipped_source_are_skipped_with_the_real_cause(
    make_sources: MakeSources, body: bytes, cause: str
) -> None:
    folder = make_sources(
        {
            "a.txt": DOC,
            "zoo.txt": body,
            "facts.toml": fact("zoo.txt")
            + fact("zoo.txt", "The zoo had 3 lions.", "3")
            + HARBOR_FACT,
        }
    )
    engine, notes = load_engine(folder)
    assert engine.facts is not None
    assert [f.value for f in engine.facts.facts if f.origin == "curated"] == ["31"]
    expected = (
        f"{folder / 'zoo.txt'}{cause}",
        f"; its 2 curated facts in {folder / 'facts.toml'} are skipped",
    )
    assert any(n.startswith(expected[0]) and n.endswith(expected[1]) for n in notes), notes
    assert engine.ask("How many sailboats did the harbor master count?").status == "answered"


def test_facts_citing_an_unreadable_source_are_skipped(
    make_sources: MakeSources, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_sources({"a.txt": DOC, "zoo.txt": ZOO, "facts.toml": fact("zoo.txt")})
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "zoo.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    _, notes = load_engine(folder)
    assert f"{folder / 'zoo.txt'}: cannot be read (Permission denied); its 1 curated fact in " in (
        " ".join(notes)
    )


def test_facts_citing_a_link_out_of_the_folder_are_skipped(
    make_sources: MakeSources, tmp_path: Path
) -> None:
    (tmp_path / "zoo.txt").write_text(ZOO)
    folder = make_sources({"a.txt": DOC, "facts.toml": fact("zoo.txt")})
    (folder / "zoo.txt").symlink_to(tmp_path / "zoo.txt")
    engine, notes = load_engine(folder)
    assert any("outside the sources folder" in n and "curated fact" in n for n in notes)
    assert engine.facts is not None and not [f for f in engine.facts.facts if f.source == "zoo.txt"]


@pytest.mark.parametrize("source", ["nope.txt", ".hidden.txt", "notes.pdf"])
def test_facts_citing_no_source_file_still_stop_with_the_line(
    make_sources: MakeSources, source: str
) -> None:
    folder = make_sources({"a.txt": DOC, ".hidden.txt": ZOO, "notes.pdf": ZOO})
    (folder / "facts.toml").write_text(fact(source))
    with pytest.raises(DataFileError, match=rf"facts.toml:6: fact 1: no source named '{source}'"):
        load_engine(folder)
