"""FastAPI dependencies that hand routes what the composition root built."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from contact_center.bootstrap import Container


async def get_container(request: Request) -> Container:
    """``async`` only so FastAPI calls it on the event loop: a plain ``def`` dependency costs a
    hop to the thread pool and back on every request."""
    return cast(Container, request.app.state.container)
