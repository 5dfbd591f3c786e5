"""Characters a terminal or a TOML reader would act on, and TOML strings written with them
escaped: titles, names and quotes come from sources that are not ours."""

from __future__ import annotations

import json
import re

# C0 and C1 controls but newline and tab, DEL, and the bidirectional overrides and isolates
# that make a terminal show text in another order than it is stored.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes (TOML shares them), plus `\\uXXXX` for DEL, C1
    controls and bidi overrides, which JSON leaves raw and a terminal or TOML would act on."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
