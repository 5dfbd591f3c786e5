"""Which entries of the sources folder may be read: one rule for the sources, `sources.toml`
and `facts.toml` alike, so that no file the bot reads escapes it.

The folder is the community's, and anyone who can write in it could plant a link: a link is
followed only when its target lies inside the folder (a link to /etc/passwd is never read,
whatever it is named). A name that is not UTF-8 is not read either: every name is cited, saved
in the index and shown, all as UTF-8 text.
"""

from __future__ import annotations

from pathlib import Path

from index.errors import DataFileError, shown_path


def not_followed(path: Path, root: Path) -> str | None:
    """Why the entry at `path` in the folder whose real path is `root` is not read (a name
    that is not UTF-8, a link out of the folder or to nowhere), or None when it may be.

    Raises OSError when the entry cannot even be looked at (a path past the OS's limit)."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not UTF-8: not read"
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop of links
        return "a broken link"
    if target.is_relative_to(root):
        return None
    return f"a link to {shown_path(target)}, outside the sources folder: not followed"


def beside_sources(sources_dir: Path, name: str) -> Path | None:
    """The file `name` of the sources folder (its manifest, its facts) to read, None when there
    is none; one the rule refuses, or that cannot be looked at, raises DataFileError. A named
    pipe or a device is refused unread, as among the sources: reading a pipe waits for a
    writer, and every start would hang."""
    path = sources_dir / name
    try:
        reason = not_followed(path, sources_dir.resolve()) or special(path)
        present = path.exists()
    except OSError as exc:
        raise DataFileError(path, None, f"cannot be read ({exc.strerror or exc})") from exc
    if reason is not None:
        raise DataFileError(path, None, reason)
    return path if present else None


def special(path: Path) -> str | None:
    """Why the entry at `path` (a link already allowed) is not read although it exists: it is
    neither a file nor a folder. Reading a named pipe waits for a writer that may never come."""
    if path.exists() and not (path.is_file() or path.is_dir()):
        return "not a regular file (a named pipe or a device)"
    return None
