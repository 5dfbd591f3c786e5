"""The asker's own names in the code a question quotes: `nums` in "why does nums.sort() give
me None", `lst` in "', '.join(lst)", `f` and `items` in "def f(items=[])".

Members paste a line of their own code and ask about it. The names in it are theirs, picked
for the occasion; documents explain the call (`sort`, `join`, a default argument) with names
of their own, so a name of the asker's that no source uses is no word the answer can hold:
searched, it weighed as much as the rest of the question together (a word no source uses
weighs most), and the question was declined for want of it. Only names in code are the
asker's: the receiver of a method call, a called name, a name inside a call's brackets, a
subscripted or assigned name. A name no source uses in prose ("chicago") is still a word the
sources lack.
"""

from __future__ import annotations

import re

_NAME = r"[A-Za-z_]\w*"
# A receiver (`nums.`sort(), a called name (`f`(…)), a subscripted one (`t`[0]), an assigned
# one (`y` = x, `t[0]` += …), and the names inside a call's brackets (`items`=[], `a`, `b`).
_IN_CODE = re.compile(
    rf"(?<![\w.])(?P<receiver>{_NAME})(?=\.{_NAME}\s*\()"
    rf"|(?<![\w.])(?P<called>{_NAME})(?=\()"
    rf"|(?<![\w.])(?P<indexed>{_NAME})(?=\[)"
    rf"|(?<![\w.])(?P<assigned>{_NAME})(?=\s*(?:[-+*/]?=)(?!=))"
)
_CALL = re.compile(rf"(?<![\w.]){_NAME}(?:\.{_NAME})*\(([^()]*)\)")
_ARGUMENT = re.compile(rf"(?<![\w.'\"]){_NAME}(?![\w'\"])")


def code_names(text: str) -> set[str]:
    """The names `text` uses in code: receivers, called, subscripted and assigned names, and
    the names inside a call's brackets (not quoted strings: `', '.join` joins with ", ")."""
    found = {m.group(m.lastgroup or 0) for m in _IN_CODE.finditer(text)}
    for call in _CALL.finditer(text):
        found.update(_ARGUMENT.findall(call.group(1)))
    return found
