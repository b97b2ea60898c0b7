"""The OpenAPI document as the API answers: errors as RFC 9457 problems, bearer tokens.

FastAPI describes a request it cannot validate as ``HTTPValidationError`` (``application/json``
with a list of ``{loc, msg, type}``); this API answers every error as
``application/problem+json`` (:mod:`api.problems`). The document says so: every operation's 422
and other errors are a :data:`PROBLEM`, and every operation whose ``x-roles`` is not
``public`` takes a bearer token and may answer 401 and 403.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An error (RFC 9457). Validation errors list each field in `errors`; domain "
                   "errors name the rule broken in `error` and the `field`; 503 while a read "
                   "model is behind names the `projection` and its positions.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Invalid request"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        "error": {"type": "string"},
        "field": {"type": "string"},
    },
    "additionalProperties": True,
}
METHODS = ("get", "put", "post", "delete", "patch")
INVALID = "malformed body, parameter or header (`errors` names each field), or a value a rule refuses"


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def described(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, description=app.description,
                           routes=app.routes)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM
    components["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "an access token from POST /api/v1/auth/login, or an API key"}}
    for operation in (op for path in document.get("paths", {}).values()
                      for method, op in path.items() if method in METHODS):
        responses = operation.setdefault("responses", {})
        declared = responses.get("422", {}).get("description", "Validation Error")
        responses["422"] = _problem(INVALID if declared == "Validation Error" else declared)
        for code, response in responses.items():  # those a route declares, with no schema of their own
            if code[0] in "45" and "content" not in response:
                response["content"] = _problem("")["content"]
        if "requestBody" in operation:
            responses.setdefault("400", _problem("the body is not JSON"))
            responses.setdefault("413", _problem("the body is over the size limit"))
        if operation.get("x-roles") != ["public"]:
            operation["security"] = [{"bearer": []}]
            responses.setdefault("401", _problem("no token, or an expired or forged one"))
            responses.setdefault("403", _problem("the caller's role may not use this (see x-roles)"))
        responses.setdefault("default", _problem("any other error: 404, 409, 503 (read model behind) …"))
    return document


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = described(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
