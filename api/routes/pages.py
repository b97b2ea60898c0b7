"""``/agent``, ``/wallboard`` and ``/audit``: the pages, and ``/static/`` for their files.

Role: anyone may load a page's shell (it holds no data); every piece of data on it comes from
the API with the signed-in user's token, under that endpoint's own roles (docs/pages.md).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "pages" / "static"
PAGE_PREFIXES = ("/agent", "/wallboard", "/audit", "/static/")

router = APIRouter(tags=["pages"], include_in_schema=False)


def static_files() -> StaticFiles:
    return StaticFiles(directory=STATIC)


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


@router.get("/audit")
def audit_viewer() -> FileResponse:
    """A customer as of any instant, their history with diffs, chain status, export."""
    return FileResponse(STATIC / "audit.html", media_type="text/html")
