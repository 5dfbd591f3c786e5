"""A source's text read through a memory map: quoting decodes only the span it quotes.

A saved index serves quotes from its sources' files without holding them as Python `str`
(at 100k passages the texts were 241 MiB of `str`: one en dash makes a whole file two bytes a
character). Offsets everywhere are character offsets into the decoded text, as ingestion made
them; `read_source` decodes with no newline translation, so the file's bytes are exactly the
text's UTF-8 and a character offset maps to one byte offset. For an ASCII file the two are the
same; otherwise the byte offset of every `STRIDE`-th character is found once, the first time
the file is quoted (a NumPy pass over its bytes), and a slice decodes at most `STRIDE` - 1
characters on each side beyond its own.

A file is mapped the first time it is quoted, and only if it is still the file indexed: its
stat as the load vouched for it, else its checksum (index/file_states.py); one changed, removed
or emptied since is refused. Once mapped, a file replaced while the process runs (an editor's
save: a new file renamed over the old) or removed is harmless, the mapping keeps the old one. A
file rewritten in place is not: its bytes change under the mapping, and reading past a
truncated end would kill the process (SIGBUS). So each read first checks the file's stat
against the one it was mapped with and refuses a file changed in place.

Each refusal is a `SourceChanged`: the question that needed the text fails alone (a face
answers the others), and the next start, finding the file changed, rebuilds the index.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from index.errors import DataFileError
from index.file_states import FileState
from index.layout import line_of_offset
from index.readers.document import ReadingText

STRIDE = 64  # characters between two saved byte offsets: an eighth of a non-ASCII file's size
_LF, _CR = 0x0A, 0x0D


class SourceChanged(DataFileError):
    """A source's text can no longer be read back as it was indexed: only what needed it
    fails, and the message says to restart."""


class SourceText:
    """The text of one source file as the index was built from it: `state` is the file's state
    the load checked against the index (index/store.py), None to take the file as it is.
    `text[a:b]` is the `str` slice the decoded text would give; `line_of(offset)` its 1-based
    line, as `index.layout.line_of_offset` counts lines."""

    def __init__(self, path: Path, state: FileState | None = None) -> None:
        self.path = path
        self.state = state

    @cached_property
    def _mapped(self) -> tuple[mmap.mmap, os.stat_result]:
        """Mapped on first use (a question touches a few sources of hundreds), with its stat,
        once it is checked to be the file indexed."""
        try:
            with open(self.path, "rb") as f:
                stat = os.fstat(f.fileno())
                if stat.st_size == 0:  # an empty file is never indexed (nor can it be mapped)
                    raise self._changed("emptied")
                mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            raise self._changed(f"unreadable ({exc.strerror or exc})") from exc
        state = self.state
        if (
            state is not None
            and not state.vouches_for(stat)
            and hashlib.sha256(mapped).hexdigest() != state.sha256
        ):
            mapped.close()
            raise self._changed("changed")
        return mapped, stat

    @property
    def _bytes(self) -> mmap.mmap:
        """The mapping, once the file is checked to be the one mapped (see the module's note)."""
        mapped, was = self._mapped
        try:
            now = os.stat(self.path)
        except OSError:  # removed, or replaced by nothing: the mapping keeps the text indexed
            return mapped
        if (now.st_dev, now.st_ino) == (was.st_dev, was.st_ino) and (
            now.st_size != was.st_size or now.st_mtime_ns != was.st_mtime_ns
        ):
            raise self._changed("changed in place")
        return mapped

    def _changed(self, how: str) -> SourceChanged:
        return SourceChanged(
            self.path, None, f"{how} since the index was loaded; restart to read it again"
        )

    @cached_property
    def _raw(self) -> np.ndarray:
        return np.frombuffer(self._bytes, dtype=np.uint8)

    @cached_property
    def _char_bytes(self) -> tuple[int, np.ndarray | None]:
        """The number of characters, and the byte offset of characters 0, STRIDE, 2 × STRIDE
        … (None for an ASCII file, where character and byte offsets are the same)."""
        raw = self._raw
        if not (raw >= 0x80).any():
            return len(raw), None
        starts = np.flatnonzero((raw & 0xC0) != 0x80)  # each character's first byte
        return len(starts), starts[::STRIDE].copy()

    @cached_property
    def _breaks(self) -> np.ndarray:
        """Byte offset of each line break's first byte: CR, or LF not after a CR (a CRLF is one
        break, as `index.layout.line_breaks` counts them)."""
        raw = self._raw
        lf = raw == _LF
        lf[1:] &= raw[:-1] != _CR
        return np.flatnonzero(lf | (raw == _CR))

    def __len__(self) -> int:
        return self._char_bytes[0]

    def __getitem__(self, index: slice) -> str:
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a source text is sliced by spans only")
        if stop <= start:
            return ""
        _, marks = self._char_bytes
        if marks is None:
            return self._bytes[start:stop].decode("utf-8")
        first, last = start // STRIDE, -(-stop // STRIDE)
        chunk = self._bytes[marks[first] : self._byte_at_mark(last)].decode("utf-8")
        skip = start - first * STRIDE
        return chunk[skip : skip + stop - start]

    def __str__(self) -> str:
        return self._bytes[:].decode("utf-8")

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset, from the break offsets found once per file."""
        return int(np.searchsorted(self._breaks, self._byte_of(offset))) + 1

    def _byte_at_mark(self, mark: int) -> int:
        _, marks = self._char_bytes
        assert marks is not None
        return int(marks[mark]) if mark < len(marks) else len(self._raw)

    def _byte_of(self, offset: int) -> int:
        count, marks = self._char_bytes
        if marks is None:
            return offset
        if offset >= count:
            return len(self._raw)
        mark = offset // STRIDE
        lead = self._bytes[marks[mark] : self._byte_at_mark(mark + 1)].decode("utf-8")
        return int(marks[mark]) + len(lead[: offset - mark * STRIDE].encode("utf-8"))


class ReadSource:
    """A source whose reading text is not its file's (an HTML page's visible text): read by
    its reader the first time it is quoted, then kept with its map back to the file. `state`
    is as for `SourceText`: a file changed since it was indexed is refused, not read."""

    def __init__(
        self, path: Path, state: FileState | None, read: Callable[[str], ReadingText]
    ) -> None:
        self.path = path
        self.state = state
        self._read = read

    @cached_property
    def _reading(self) -> ReadingText:
        return self._read(str(SourceText(self.path, self.state)))

    def __len__(self) -> int:
        return len(self._reading)

    def __getitem__(self, index: slice) -> str:
        return self._reading[index]

    def __str__(self) -> str:
        return str(self._reading)

    def line_of(self, offset: int) -> int:
        return self._reading.line_of(offset)

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        return self._reading.file_span(start, end)


# A source's text: a `str` while building (its file's text, or a page's visible text with its
# map), mapped from its file when loaded.
Text = str | SourceText | ReadingText | ReadSource


def line_at(text: Text, offset: int) -> int:
    """1-based line in the file of a character offset in a source's text, whichever form the
    text has."""
    return line_of_offset(text, offset) if isinstance(text, str) else text.line_of(offset)


def file_span(text: Text, start: int, end: int) -> tuple[int, int]:
    """Where `text[start:end]` lies in the file: the same offsets, unless the text is a
    reading of the file (an HTML page's visible text)."""
    mapped = getattr(text, "file_span", None)
    return (start, end) if mapped is None else mapped(start, end)
