"""The FastAPI application, built around a container from the composition root."""

from __future__ import annotations

from fastapi import FastAPI

from api.access import check_declarations, document_roles, install_access_handlers
from api.body_limit import BodyLimitMiddleware
from api.lifespan import background_work
from api.openapi_doc import install_openapi
from api.page_headers import PageHeadersMiddleware
from api.problems import install_problem_handlers
from api.ring_lane import RingLane
from api.routes import (
    agent_socket,
    agent_tokens,
    agents,
    audit,
    audit_verify,
    auth,
    cards,
    case_queue,
    cases,
    cti,
    customers,
    data_protection,
    health,
    interaction_calls,
    interactions,
    leaderboards,
    lookup,
    pages,
    supervisor_socket,
    timeline,
)
from contact_center.bootstrap import Container


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="Switchboard",
        version="0.1.0",
        description="Event-sourced contact-center CRM: customers, interactions, cases, agents.",
        lifespan=background_work,
    )
    app.state.container = container
    app.state.ring_lane = RingLane(container.settings.cti_ring_threads)
    install_problem_handlers(app)
    install_access_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=container.settings.max_body_bytes)
    app.add_middleware(PageHeadersMiddleware, prefixes=pages.PAGE_PREFIXES)
    include_routes(app)
    install_openapi(app)
    return app


def include_routes(app: FastAPI) -> None:
    """Every route the API serves, each declaring the roles that may use it."""
    app.include_router(document_roles(health.router))
    # The webhook first: routes are matched in order, and telephony systems post the most.
    app.include_router(document_roles(cti.router))
    app.include_router(document_roles(auth.router))
    app.include_router(document_roles(customers.router))
    app.include_router(document_roles(data_protection.router))
    app.include_router(document_roles(audit.router))
    app.include_router(document_roles(audit_verify.router))
    app.include_router(document_roles(lookup.router))
    app.include_router(document_roles(timeline.router))
    app.include_router(document_roles(cards.router))
    app.include_router(document_roles(case_queue.router))
    app.include_router(document_roles(cases.router))
    app.include_router(document_roles(agents.router))
    app.include_router(document_roles(agent_tokens.router))
    app.include_router(document_roles(agent_socket.router))
    app.include_router(document_roles(leaderboards.router))
    app.include_router(document_roles(supervisor_socket.router))
    app.include_router(document_roles(interactions.router))
    app.include_router(document_roles(interaction_calls.router))
    app.include_router(document_roles(pages.router))
    check_declarations(app)  # deny by default: a route that does not say who may use it fails here


def routes_only() -> FastAPI:
    """The routes without a container behind them: for generated docs and route checks."""
    app = FastAPI()
    include_routes(app)
    install_openapi(app)
    return app
