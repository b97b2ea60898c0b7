"""The FastAPI application, built around a container from the composition root."""

from __future__ import annotations

from fastapi import FastAPI

from api.access import install_access_handlers
from api.body_limit import BodyLimitMiddleware
from api.lifespan import background_work
from api.page_headers import PageHeadersMiddleware
from api.problems import install_problem_handlers
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
    install_problem_handlers(app)
    install_access_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=container.settings.max_body_bytes)
    app.add_middleware(PageHeadersMiddleware, prefixes=pages.PAGE_PREFIXES)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(customers.router)
    app.include_router(data_protection.router)
    app.include_router(audit.router)
    app.include_router(audit_verify.router)
    app.include_router(lookup.router)
    app.include_router(timeline.router)
    app.include_router(cards.router)
    app.include_router(case_queue.router)
    app.include_router(cases.router)
    app.include_router(agents.router)
    app.include_router(agent_tokens.router)
    app.include_router(agent_socket.router)
    app.include_router(leaderboards.router)
    app.include_router(supervisor_socket.router)
    app.include_router(interactions.router)
    app.include_router(interaction_calls.router)
    app.include_router(cti.router)
    app.include_router(pages.router)
    return app
