"""Reading a CTI webhook body: JSON, ``application/x-www-form-urlencoded`` or
``multipart/form-data`` (what ``curl --data`` and ``curl --form`` send).

Form bodies name the agents ``user[]=Alice&user[]=Bob`` (or ``user=``); both become the
list ``user``. Every other repeated form field keeps its last value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

MAX_FIELDS = 200


class BodyError(ValueError):
    """The body cannot be read as the content type it declares."""


def parse_body(content_type: str | None, body: bytes) -> dict[str, Any]:
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        return _json(body)
    if media == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
        except (UnicodeDecodeError, ValueError) as exc:
            raise BodyError(f"the form body cannot be read: {exc}") from exc
        return form_fields(pairs)
    if media == "multipart/form-data":
        return form_fields(_multipart(str(content_type), body))
    raise BodyError(f"unsupported content type {media or '(none)'}: send application/json, "
                    "application/x-www-form-urlencoded or multipart/form-data")


def form_fields(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    users: list[str] = []
    for name, value in pairs:
        if name in ("user", "user[]"):
            users.append(value)
        else:
            fields[name] = value
    if users:
        fields["user"] = users
    return fields


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BodyError(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BodyError("the JSON body must be an object")
    return data


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise BodyError("the multipart body cannot be read: boundary missing or malformed")
    pairs: list[tuple[str, str]] = []
    for part in message.walk():
        if part is message:
            continue
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes) or len(pairs) >= MAX_FIELDS:
            raise BodyError("every multipart field needs a name and a text value")
        try:
            pairs.append((name, payload.decode("utf-8")))
        except UnicodeDecodeError as exc:
            raise BodyError(f"field {name!r} is not UTF-8") from exc
    return pairs
