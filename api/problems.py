"""RFC 9457 problem details for every error the API returns: never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, WebSocket
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from adapters.personal_data_mapper import SubjectErased
from contact_center.errors import AuditReadNotRecorded, IdempotencyKeyReused, NotFound, VersionConflict
from contact_center.read_your_writes import ReadNotReady
from domain.errors import DomainError, InvalidValue
from projections.base import ReadModelMissing

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("switchboard.api")


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _validation_errors(exc: RequestValidationError | WebSocketRequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        errors.append({"field": ".".join(location) or "body", "message": str(error.get("msg", ""))})
    return errors


def _first(errors: list[dict[str, Any]], where: str) -> str:
    """A problem's ``detail``: its first error, ``field: message``."""
    first = errors[0] if errors else {"field": where, "message": "invalid"}
    return f"{first['field']}: {first['message']}"


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        if any(error.get("type") == "json_invalid" for error in exc.errors()):
            return problem(400, "Malformed JSON", "the request body is not valid JSON")
        errors = _validation_errors(exc)
        return problem(422, "Invalid request", _first(errors, "body"), errors=errors)

    @app.exception_handler(WebSocketRequestValidationError)
    async def invalid_handshake(socket: WebSocket,
                                exc: WebSocketRequestValidationError) -> JSONResponse | None:
        """A socket's query parameters refused in its handshake: a 422 problem where the server
        can answer a handshake with a response (uvicorn can), else a close with 1008 and why."""
        errors = _validation_errors(exc)
        detail = _first(errors, "query")
        if "websocket.http.response" not in socket.scope.get("extensions", {}):
            await socket.close(1008, detail[:120])
            return None
        return problem(422, "Invalid request", detail, errors=errors)

    @app.exception_handler(SubjectErased)
    async def erased(_: Request, exc: SubjectErased) -> JSONResponse:
        return problem(409, "Not allowed now", "the customer's personal data was erased: nothing new "
                       "about them can be stored", error="SubjectErased")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 401: "Unauthorized",
                 403: "Forbidden", 413: "Payload too large", 422: "Invalid request",
                 429: "Too many requests"}.get(exc.status_code, "Error")
        response = problem(exc.status_code, title, str(exc.detail))
        response.headers.update(exc.headers or {})  # a 405's Allow, a 401's WWW-Authenticate …
        return response

    @app.exception_handler(DomainError)
    async def domain_rule(_: Request, exc: DomainError) -> JSONResponse:
        status = 422 if isinstance(exc, InvalidValue) else 409
        extra: dict[str, Any] = {"error": type(exc).__name__}
        if exc.field is not None:
            extra["field"] = exc.field
        return problem(status, "Invalid value" if status == 422 else "Not allowed now",
                       exc.message, **extra)

    @app.exception_handler(NotFound)
    async def not_found(_: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", exc.message)

    @app.exception_handler(VersionConflict)
    async def conflict(_: Request, exc: VersionConflict) -> JSONResponse:
        extra = {} if exc.current_version is None else {"current_version": exc.current_version}
        return problem(409, "Version conflict", exc.message, **extra)

    @app.exception_handler(IdempotencyKeyReused)
    async def key_reused(_: Request, exc: IdempotencyKeyReused) -> JSONResponse:
        return problem(422, "Idempotency-Key reused", exc.message)

    @app.exception_handler(AuditReadNotRecorded)
    async def read_not_recorded(_: Request, exc: AuditReadNotRecorded) -> JSONResponse:
        log.error("audit read refused: %s", exc.message, exc_info=exc)
        return problem(503, "Audit read not recorded", exc.message)

    @app.exception_handler(ReadNotReady)
    async def not_ready(_: Request, exc: ReadNotReady) -> JSONResponse:
        response = problem(503, "Read model behind", exc.message, projection=exc.projection,
                           current_position=exc.current, wanted_position=exc.wanted)
        response.headers["Retry-After"] = "1"
        response.headers["X-Switchboard-Position"] = str(exc.current)
        return response

    @app.exception_handler(ReadModelMissing)
    async def not_built(_: Request, exc: ReadModelMissing) -> JSONResponse:
        response = problem(503, "Read model not built yet", str(exc))
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internal error", "the server failed to handle the request; it was logged")
