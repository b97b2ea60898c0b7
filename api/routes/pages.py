"""``/agent``, ``/wallboard`` and ``/audit``: the pages, and ``/static/`` for their files.

Role: anyone may load a page's shell (it holds no data); every piece of data on it comes from
the API with the signed-in user's token, under that endpoint's own roles (docs/pages.md).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

from api.access import PUBLIC

STATIC = (Path(__file__).resolve().parent.parent / "pages" / "static").resolve()
PAGE_PREFIXES = ("/agent", "/wallboard", "/audit", "/static/")
MEDIA_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".png": "image/png",
               ".svg": "image/svg+xml"}

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[PUBLIC])


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/agent")


@router.get("/agent")
def agent_desktop() -> FileResponse:
    """Presence, the live screen-pop, the caller's timeline, wrap-up, cases, own points."""
    return FileResponse(STATIC / "agent.html", media_type="text/html")


@router.get("/wallboard")
def wallboard() -> FileResponse:
    """Leaderboard, calls waiting, agents by presence, SLA breaches, badges; for a wall screen."""
    return FileResponse(STATIC / "wallboard.html", media_type="text/html")


@router.get("/static/{path:path}")
def static_file(path: str) -> FileResponse:
    """A file of the pages; nothing outside their folder, and only the kinds they use."""
    wanted = (STATIC / path).resolve()
    if not wanted.is_relative_to(STATIC) or not wanted.is_file() or wanted.suffix not in MEDIA_TYPES:
        raise HTTPException(404, "no such file")
    return FileResponse(wanted, media_type=MEDIA_TYPES[wanted.suffix])


@router.get("/audit")
def audit_viewer() -> FileResponse:
    """A customer as of any instant, their history with diffs, chain status, export."""
    return FileResponse(STATIC / "audit.html", media_type="text/html")
