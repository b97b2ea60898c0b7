"""Finds the line of a key path (``rules[2].when.wait_seconds``) in a TOML text.

``tomllib`` returns plain dictionaries without positions, so a mistake found after parsing is
located by reading the text again: the n-th ``[[rules]]`` header, then each following key in
order (``key =`` on a line, inline tables included, or a ``[rules.when]`` header). Good enough
for files written in the usual layout; when a key cannot be found the nearest enclosing one
answers, and without any the error names the key path alone.
"""

from __future__ import annotations

import re

_SEGMENT = re.compile(r"([A-Za-z0-9_-]+)(?:\[(\d+)\])?")
_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")


def line_of(text: str, path: str) -> int | None:
    """1-based line where ``path`` is written, or None."""
    lines = text.splitlines()
    segments = _SEGMENT.findall(path)
    if not segments:
        return None
    top, index = segments[0]
    start, end = _block(lines, top, int(index) if index else None)
    if start is None:
        return None
    found: int | None = start if _is_header_of(lines[start], top) else None
    position = start
    for key, _ in segments[0 if found is None else 1:]:
        hit = _find_key(lines, key, position, end)
        if hit is None:
            break
        found = position = hit
    return None if found is None else found + 1


def _block(lines: list[str], top: str, index: int | None) -> tuple[int | None, int]:
    """The lines ``[start, end)`` that hold the ``index``-th ``[[top]]`` entry (or ``[top]``,
    or the top-level keys before the first header)."""
    headers = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    if index is None:
        own = [i for i, name in headers if name == top]
        if not own:
            first = headers[0][0] if headers else len(lines)
            return 0, first
        start = own[0]
    else:
        entries = [i for i, name in headers if name == top and lines[i].lstrip().startswith("[[")]
        if index >= len(entries):
            return None, len(lines)
        start = entries[index]
    later = [i for i, name in headers if i > start and not name.startswith(f"{top}.")]
    return start, later[0] if later else len(lines)


def _is_header_of(line: str, top: str) -> bool:
    match = _HEADER.match(line)
    return bool(match and match.group(1) == top)


def _find_key(lines: list[str], key: str, start: int, end: int) -> int | None:
    pattern = re.compile(rf"(^|[\s{{,.\[])\"?{re.escape(key)}\"?\s*(=|\]|\.)")
    for i in range(start, end):
        if pattern.search(lines[i].split("#", 1)[0]):
            return i
    return None
