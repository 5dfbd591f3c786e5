"""Secrets kept out of the log. At LOG_LEVEL=DEBUG discord.py logs every request URL (an
interaction's token is part of `/interactions/<id>/<token>/callback` and of the webhook URLs
of its follow-ups: whoever holds it can answer as the bot for 15 minutes) and every gateway
event (an INTERACTION_CREATE carries `"token": ...`). The bot token itself is never logged by
discord.py, but an exception message might carry it.

`install` redacts every log record as it is made (a record factory, not a handler filter, so
that every handler sees the redacted text: the bot's own, a host's, a test's): interaction
tokens by their place in URLs and payloads, and the given secrets wherever they appear.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable

REDACTED = "[redacted]"
# A token in a URL path after /interactions/<id>/ or /webhooks/<application id>/.
_IN_URL = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?#'\"]+")
# "token": "..." in a payload, as JSON or as a Python dict's repr.
_IN_PAYLOAD = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]*""")
_MIN_SECRET = 8  # shorter strings are no real token, and replacing them would garble logs

_lock = threading.Lock()
_previous: Callable[..., logging.LogRecord] | None = None  # the factory before `install`


class Redactor:
    """Removes interaction tokens and the given secrets from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= _MIN_SECRET}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        text = _IN_PAYLOAD.sub(rf"\1{REDACTED}", _IN_URL.sub(rf"\1{REDACTED}", text))
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def record(self, record: logging.LogRecord) -> logging.LogRecord:
        """The record with its message, traceback and stack redacted (formatted now, once)."""
        message = record.getMessage()
        clean = self(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self(record.exc_text)
        if record.stack_info:
            record.stack_info = self(record.stack_info)
        return record


def install(secrets: Iterable[str] = ()) -> Callable[[], None]:
    """Redact every log record made from now on in this process; returns the undo (for
    tests). Installing again replaces the secrets instead of wrapping twice."""
    global _previous
    redactor = Redactor(secrets)
    with _lock:
        if _previous is None:
            _previous = logging.getLogRecordFactory()
        make = _previous
        logging.setLogRecordFactory(lambda *args, **kwargs: redactor.record(make(*args, **kwargs)))
    return uninstall


def uninstall() -> None:
    global _previous
    with _lock:
        if _previous is not None:
            logging.setLogRecordFactory(_previous)
            _previous = None
