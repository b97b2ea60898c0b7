"""A real HTTP server for the browser tests: uvicorn in a thread of this process, serving the
app of a full pipeline (API, relay and projections in process) on a free loopback port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from adapters.services.processes import free_loopback_port
from api.app import create_app
from contact_center.bootstrap import Container
from tests.event_log import wait_for


@contextmanager
def served(container: Container) -> Iterator[str]:
    """Serve ``container``'s app until the block ends; yields the base URL."""
    port = free_loopback_port()
    config = uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="page-server", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), timeout=60, what="the page server")
        if not server.started:
            raise RuntimeError("the page server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
