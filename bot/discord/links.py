"""Which URLs the bot may show as links: Discord rejects a whole message for one link button
whose URL it refuses, so every URL is checked here before it becomes a button (or a link in
the /sources list). This is the last line of defence; `sources.toml` is checked at load."""

from __future__ import annotations

import functools
import logging
import unicodedata
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

BUTTON_URL = 512  # Discord's limit for a link button's URL
_SCHEMES = {"http", "https"}


def link_url_problem(url: str) -> str | None:
    """Why Discord would refuse `url` for a link button (None: it would accept it). Also
    refused: `<`, `>` and quotes, which no valid URL holds unescaped and which would end the
    `<url>` form the /sources list uses."""
    if len(url) > BUTTON_URL:
        return f"{len(url)} characters (Discord allows {BUTTON_URL})"
    if any(c.isspace() or unicodedata.category(c).startswith("C") for c in url):
        return "whitespace or control characters"
    if any(c in url for c in '<>"'):
        return "characters that must be percent-encoded"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in _SCHEMES:
        return "not an http(s) URL"
    if not host:
        return "no host"
    return None


def usable_link(url: str | None) -> bool:
    """True when `url` can be a link button; a refused one is logged once per URL."""
    if not url:
        return False
    problem = link_url_problem(url)
    if problem is not None:
        _warn_once(url, problem)
    return problem is None


@functools.cache
def _warn_once(url: str, problem: str) -> None:
    log.warning("not shown as a link (Discord would refuse it): %r: %s", url[:200], problem)
