"""What one event changed: an aggregate's state before and after it, as flat JSON fields.

State is flattened to dotted paths so a change names the field that moved, not the whole
structure around it: ``details.display_name``, ``consents.email/marketing_email.granted``.
Value objects and dicts are opened up; lists stay whole (an identity added shows the list
before and after). A missing path and ``None`` are the same, so a field that appears with
``None`` is no change. The library's bookkeeping (id, version, times) is left out: the
history shows the event's own version and time beside the change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from contact_center.data_protection import jsonable

_BOOKKEEPING = frozenset({"_id", "_version", "_pending_events", "_created_on", "_modified_on"})


@dataclass(frozen=True)
class FieldChange:
    before: Any
    after: Any


def state_fields(aggregate: object | None) -> dict[str, Any]:
    """The aggregate's state as ``{dotted path: JSON value}``; nothing for no aggregate yet."""
    flat: dict[str, Any] = {}
    if aggregate is not None:
        for name, value in vars(aggregate).items():
            if name not in _BOOKKEEPING:
                _flatten(name.lstrip("_"), value, flat)
    return flat


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, FieldChange]:
    """Each path whose value differs, in path order."""
    return {path: FieldChange(before.get(path), after.get(path))
            for path in sorted(before.keys() | after.keys())
            if before.get(path) != after.get(path)}


def _flatten(path: str, value: Any, into: dict[str, Any]) -> None:
    if is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{path}.{_key(key)}", item, into)
        return
    into[path] = jsonable(value)


def _key(key: Any) -> str:
    if isinstance(key, tuple):
        return "/".join(str(jsonable(part)) for part in key)
    return str(jsonable(key))
