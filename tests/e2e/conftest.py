"""Fixtures shared by the browser tests: one served app for the whole run, a chromium per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from adapters.services.stack import Endpoints
from tests.e2e.browser import chromium
from tests.e2e.pages_app import PagesApp, pages_app


@pytest.fixture(scope="session")
def served_pages(services: Endpoints, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PagesApp]:
    with pages_app(services, tmp_path_factory.mktemp("pages-data")) as app:
        yield app


# One chromium per test module: Playwright's sync API keeps an event loop running in this thread
# while it is open, and a later test's asyncio.run() (push sessions, the supervisor socket) would
# refuse to start under it.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Page conditions wait on read models and sockets; on a loaded machine that can take longer
    # than Playwright's default 5 s, so every expect() waits up to 30 s (still a condition wait).
    expect.set_options(timeout=30_000)
    with chromium() as launched:
        yield launched
