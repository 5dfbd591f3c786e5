"""Text made safe for a terminal: sources, their metadata and file names are not ours, and an
escape sequence in them could clear the screen, retitle the window or fake an answer."""

from __future__ import annotations

import re

# What a terminal would act on (`UNSAFE`: C0 and C1 controls but newline and tab, DEL, and the
# bidirectional overrides and isolates) is defined beside the TOML writer that escapes it too.
from index.unsafe_text import UNSAFE

# What `printable` escapes, and the line breaks and tabs it keeps (the line and paragraph
# separators too): a name or a title is shown on its line, and a break in it cannot start a
# line of its own (a fake answer, citation or warning).
_UNSAFE_INLINE = re.compile(rf"{UNSAFE.pattern}|[\t\n\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with every unsafe character shown as a visible escape (ESC as `\\x1b`); newlines
    and tabs are kept. Idempotent: what it prints holds nothing it would change."""
    return UNSAFE.sub(_escape, text)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inline(text: str) -> str:
    """`text`, a name, a title or a one-line message holding them, with every character
    `printable` escapes, and newlines and tabs too, shown as an escape (`\\x0a`). Idempotent."""
    return _UNSAFE_INLINE.sub(_escape, text)
