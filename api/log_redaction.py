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


def _clean(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """Redacts the record's message and arguments in place, keeping their shape: uvicorn's
    access formatter unpacks ``args`` as (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _clean(value) for key, value in record.args.items()}
        return True


def install() -> None:
    """Attach the filter to uvicorn's loggers (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
