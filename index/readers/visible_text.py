"""An HTML page's visible text, each character mapped back to the markup it came from.

Quotes from a web page are its visible text ("a & b", not "a &amp; b"), while a citation
points into the file: character i of the visible text came from `file[starts[i]:ends[i]]` (a
letter, a whole entity, or the first of a run of white space shown as one space). A span
`[s, e)` of the visible text is the file span `[starts[s], ends[e - 1])`, and the visible text
of that file span is the quote again (index/readers/html_page.py: `visible_text`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from index.layout import LINE_BREAK


class VisibleText:
    """Built piece by piece while a page is read; then sliced like a `str`."""

    def __init__(self, file_text: str) -> None:
        self._pieces: list[str] = []
        self.starts = array("q")
        self.ends = array("q")
        self._text: str | None = None
        # A block quoted whole (a <pre>): where its element starts and ends in the file.
        self._wrapped_starts: dict[int, int] = {}
        self._wrapped_ends: dict[int, int] = {}
        self._line_starts = [0, *(m.end() for m in LINE_BREAK.finditer(file_text))]

    # --- building ------------------------------------------------------------------------

    def add(self, piece: str, start: int, end: int | None = None) -> None:
        """`piece` shown for `file[start:end]`: character by character when `end` is None
        (plain text, one file character each), else the whole piece for that one span (an
        entity, or white space shown as one space or a line break)."""
        if not piece:
            return
        self._pieces.append(piece)
        if end is None:
            self.starts.extend(range(start, start + len(piece)))
            self.ends.extend(range(start + 1, start + len(piece) + 1))
        else:
            self.starts.extend([start] * len(piece))
            self.ends.extend([end] * len(piece))
        self._text = None

    def add_separator(self, separator: str) -> None:
        """Text between blocks ("\\n\\n"), which no file character shows: mapped to where the
        previous character ended, so the map stays ordered."""
        at = self.ends[-1] if self.ends else 0
        self.add(separator, at, at)

    def wrap(self, start: int, end: int, file_start: int, file_end: int) -> None:
        """The block `text[start:end]` is shown by the element `file[file_start:file_end]`: a
        span that starts or ends with the block takes the element's tags too (the visible
        text of a `<pre>`'s content alone would not keep its line breaks)."""
        self._wrapped_starts[start] = file_start
        self._wrapped_ends[end] = file_end

    def trim_end(self) -> None:
        """Drop trailing white space (the end of a block or of a row's cell), looking at the
        last pieces only: a row trims after each of its cells."""
        pieces = self._pieces
        while pieces:
            kept = pieces[-1].rstrip()
            dropped = len(pieces[-1]) - len(kept)
            if not dropped:
                return
            del self.starts[-dropped:]
            del self.ends[-dropped:]
            self._text = None
            if kept:
                pieces[-1] = kept
                return
            pieces.pop()

    def last(self) -> str:
        """The last character shown ("" before any)."""
        return self._pieces[-1][-1] if self._pieces else ""

    # --- reading -------------------------------------------------------------------------

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self._pieces)
            self._pieces = [self._text]
        return self._text

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: slice) -> str:
        return self.text[index]

    def __str__(self) -> str:
        return self.text

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """The file span whose visible text is `text[start:end]`."""
        if end <= start:
            at = (
                self.starts[start]
                if start < len(self.starts)
                else (self.ends[-1] if self.ends else 0)
            )
            return at, at
        return (
            self._wrapped_starts.get(start, self.starts[start]),
            self._wrapped_ends.get(end, self.ends[end - 1]),
        )

    def line_of(self, offset: int) -> int:
        """The file's 1-based line of the character at `offset`."""
        at = (
            self.starts[offset]
            if offset < len(self.starts)
            else (self.ends[-1] if self.ends else 0)
        )
        return bisect_right(self._line_starts, at)
