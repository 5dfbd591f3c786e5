"""What every reader's output must be, whatever the format: checks shared by the unit and
property tests of index/readers/."""

from __future__ import annotations

import re

from index.ingest import ingest_source
from index.readers.document import Block, ReadDocument

# A line that is only underline punctuation: a heading's underline (rST, setext, plain text).
UNDERLINE_ONLY = re.compile(r"^[ \t]*([=\-~^*+#_`'\".:])\1{2,}[ \t]*$", re.M)


def shown(doc: ReadDocument, block: Block) -> str:
    """The block's text in the reading text."""
    return doc.text[block.start : block.end]


def kinds_and_texts(doc: ReadDocument) -> list[tuple[str, str]]:
    return [(b.kind, shown(doc, b)) for b in doc.blocks]


def assert_well_formed(doc: ReadDocument) -> None:
    """Every block is a non-empty span of the reading text, white space stripped (a code
    block keeps its first line's indentation, never a line break), in reading order and
    overlapping no other block and no chrome span."""
    previous_end = 0
    for block in doc.blocks:
        text = shown(doc, block)
        assert 0 <= block.start < block.end <= len(doc.text), block
        assert text.strip(), block
        if block.kind == "code":
            assert text == text.rstrip() and not text.startswith(("\n", "\r")), block
        else:
            assert text == text.strip(), block
        assert block.start >= previous_end, f"{block} overlaps the block before it"
        previous_end = block.end
        for chrome in doc.chrome:
            assert block.end <= chrome.start or block.start >= chrome.end, (block, chrome)


def assert_no_underline_content(doc: ReadDocument) -> None:
    """No block but code holds a line that is only underline punctuation."""
    for block in doc.blocks:
        if block.kind != "code":
            assert not UNDERLINE_ONLY.search(shown(doc, block)), block


def assert_cells_in_rows(doc: ReadDocument) -> None:
    """Each cell of a row is a non-empty, stripped span inside the row's own span."""
    for block in doc.blocks:
        for start, end in block.cells:
            cell = doc.text[start:end]
            assert block.start <= start < end <= block.end, (block, cell)
            assert cell == cell.strip(), (block, cell)


def assert_passages_avoid(name: str, text: str, rule: str) -> None:
    """No passage of the file `name` runs across the line `rule` (a rule between paragraphs,
    which is no text of either)."""
    source, _ = ingest_source(name, text, None)
    at = text.index(f"\n{rule}\n") + 1
    assert source.passages
    assert all(p.end <= at or p.start >= at + len(rule) for p in source.passages)
