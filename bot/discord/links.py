"""Which URLs the bot may show as links: Discord rejects a whole message for one link button
whose URL it refuses, so every URL is checked here before it becomes a button (or a link in
the /sources list). This is the last line of defence; `sources.toml` is checked at load."""

from __future__ import annotations

import functools
import logging

from index.urls import url_problem

log = logging.getLogger(__name__)


def usable_link(url: str | None) -> bool:
    """True when `url` can be a link button; a refused one is logged once per URL."""
    if not url:
        return False
    problem = url_problem(url)
    if problem is not None:
        _warn_once(url, problem)
    return problem is None


@functools.cache
def _warn_once(url: str, problem: str) -> None:
    log.warning("not shown as a link (Discord would refuse it): %r: %s", url[:200], problem)
