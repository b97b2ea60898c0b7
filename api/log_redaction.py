"""Secrets out of the server's logs: uvicorn logs every request line, and two kinds of URL
carry a credential — the CTI webhook's path (``/api/v1/cti/<token>``, the integration's
secret) and a browser websocket's ``?token=`` (a bearer token)."""

from __future__ import annotations

import logging
import re

_CTI_PATH = re.compile(r"(/api/v1/cti/)[^\s\"?]+")
_TOKEN_QUERY = re.compile(r"([?&](?:token|access_token)=)[^\s\"&]+")
LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    return _TOKEN_QUERY.sub(r"\1[redacted]", _CTI_PATH.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Attach the filter to uvicorn's loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
