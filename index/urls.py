"""Which source URLs may be shown as links: Discord rejects a whole message for one bad button
URL, so a bad one is dropped at load (with a warning) rather than failing every answer."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_URL_CHARS = 512  # Discord's limit for a link button's URL


def url_problem(url: str) -> str | None:
    """What makes `url` unusable as a link, or None: http(s) with a host, at most 512
    characters, no white space, no control or invisible formatting characters, and no `<`,
    `>` or `"`, which no valid URL holds unescaped (and which would end a `<url>` in Discord)."""
    if len(url) > MAX_URL_CHARS:
        return f"is {len(url):,} characters long (at most {MAX_URL_CHARS})"
    if any(ch.isspace() for ch in url):
        return "contains white space"
    if any(unicodedata.category(ch).startswith("C") for ch in url):
        return "contains control characters"
    if any(ch in url for ch in '<>"'):
        return 'contains characters that must be percent-encoded (<, > or ")'
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host"
    return None
