"""Secrets out of the server's logs: uvicorn logs every request line, and two kinds of URL
carry a credential — the CTI webhook's path (``/api/v1/cti/<token>``, the integration's
secret) and a browser websocket's ``?token=`` (a bearer token).

Successful CTI webhook requests are not logged at all (:class:`QuietCtiSuccesses`): a PBX
posts three of them per call, each is recorded as events with the integration as actor, and
formatting their lines costs the event loop that writes agents' screen-pops. A refused one
(401, 422, …) is logged, redacted."""

from __future__ import annotations

import logging
import re

_TOKEN_QUERY = re.compile(r"([?&](?:token|access_token)=)[^\s\"&]+")
ACCESS_LOGGER = "uvicorn.access"
LOGGERS = (ACCESS_LOGGER, "uvicorn.error")
CTI_PREFIX = "/api/v1/cti/"
_CTI_PATH = re.compile("(" + re.escape(CTI_PREFIX) + r")[^\s\"?]+")


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


class QuietCtiSuccesses(logging.Filter):
    """Drops uvicorn's access record of a CTI webhook request answered below 400."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or len(args) != 5:
            return True
        path, status = args[2], args[4]
        return not (isinstance(path, str) and path.startswith(CTI_PREFIX)
                    and isinstance(status, int) and status < 400)


def install() -> None:
    """Attach the filters to uvicorn's loggers (idempotent): the dropping one first, so a
    dropped line is not redacted in vain."""
    access = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, QuietCtiSuccesses) for f in access.filters):
        access.filters.insert(0, QuietCtiSuccesses())
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
