"""FastAPI dependencies that hand routes what the composition root built."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from contact_center.bootstrap import Container


def get_container(request: Request) -> Container:
    return cast(Container, request.app.state.container)
