"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from api.access import PUBLIC
from api.dependencies import get_container
from contact_center.bootstrap import Container

router = APIRouter(tags=["operations"], dependencies=[PUBLIC])


class Health(BaseModel):
    status: str


class DependencyState(BaseModel):
    ready: bool
    detail: str | None = None


class Readiness(BaseModel):
    status: str
    dependencies: dict[str, DependencyState]


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up and serving HTTP."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
def readyz(container: Annotated[Container, Depends(get_container)]) -> JSONResponse:
    """Ready when every dependency answers; each one's state is listed."""
    states = {}
    for probe in container.probes:
        problem = probe.problem()
        states[probe.name] = DependencyState(ready=problem is None, detail=problem)
    ready = all(state.ready for state in states.values())
    body = Readiness(status="ready" if ready else "not_ready", dependencies=states)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    """Prometheus text exposition."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
