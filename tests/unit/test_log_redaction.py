"""Request lines in the server's log never carry a CTI token or a bearer token."""

from __future__ import annotations

import logging

from api.log_redaction import RedactSecrets, redact


def test_cti_paths_and_token_queries_are_redacted() -> None:
    assert redact('127.0.0.1:5 - "POST /api/v1/cti/0123abcd.s3cr-et_X HTTP/1.1" 200') == (
        '127.0.0.1:5 - "POST /api/v1/cti/[redacted] HTTP/1.1" 200')
    assert redact('"WebSocket /ws/agent?last_seq=4&token=eyJ.a.b" [accepted]') == (
        '"WebSocket /ws/agent?last_seq=4&token=[redacted]" [accepted]')
    plain = '"GET /api/v1/customers?limit=5 HTTP/1.1" 200'
    assert redact(plain) == plain


def test_the_filter_rewrites_uvicorns_access_record() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "POST", "/api/v1/cti/abc.def", "1.1", 200), None)
    assert RedactSecrets().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "POST /api/v1/cti/[redacted] HTTP/1.1" 200'
    assert record.args == ("127.0.0.1:5", "POST", "/api/v1/cti/[redacted]", "1.1", 200)  # its shape kept


def test_uvicorns_access_formatter_formats_a_redacted_record() -> None:
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "POST", "/api/v1/cti/abc.def", "1.1", 200), None)
    RedactSecrets().filter(record)
    formatted = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(record)
    assert formatted == '127.0.0.1:5 - "POST /api/v1/cti/[redacted] HTTP/1.1" 200 OK'
