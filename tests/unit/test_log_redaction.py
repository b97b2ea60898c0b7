"""Request lines in the server's log never carry a CTI token or a bearer token, and a successful
CTI webhook request is not logged at all."""

from __future__ import annotations

import logging

import pytest

from api.log_redaction import QuietCtiSuccesses, RedactSecrets, install, redact


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


def access_record(path: str, status: int) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                             ("127.0.0.1:5", "POST", path, "1.1", status), None)


def test_successful_cti_requests_are_dropped_and_refused_ones_kept() -> None:
    quiet = QuietCtiSuccesses()
    assert not quiet.filter(access_record("/api/v1/cti/abc.def", 200))
    assert quiet.filter(access_record("/api/v1/cti/abc.def", 401))
    assert quiet.filter(access_record("/api/v1/cti/abc.def", 422))
    assert quiet.filter(access_record("/api/v1/customers", 200))


def test_install_drops_before_it_redacts(caplog: pytest.LogCaptureFixture) -> None:
    install()
    install()  # idempotent
    access = logging.getLogger("uvicorn.access")
    assert [type(f) for f in access.filters if isinstance(f, QuietCtiSuccesses | RedactSecrets)] == [
        QuietCtiSuccesses, RedactSecrets]
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        for status in (200, 401):
            access.handle(access_record("/api/v1/cti/abc.def", status))
    assert [r.getMessage() for r in caplog.records] == [
        '127.0.0.1:5 - "POST /api/v1/cti/[redacted] HTTP/1.1" 401']
