"""Each page, signed in as a user it is for, loads in Debian's chromium without one failed
request (the icon included) and without an error in the browser's console."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Response, expect

from contact_center.roles import Role
from tests.e2e.pages_app import PagesApp, sign_in

pytestmark = [pytest.mark.services, pytest.mark.browser]


@pytest.mark.parametrize(("path", "role"), [("/agent", Role.AGENT), ("/wallboard", Role.SUPERVISOR),
                                            ("/audit", Role.AUDITOR)])
def test_a_page_loads_without_a_failed_request_or_a_console_error(
        served_pages: PagesApp, browser: Browser, path: str, role: Role) -> None:
    app = served_pages
    login = f"{role.value}-{uuid4().hex[:6]}"
    agent = (app.onboard("Emma Taylor", login, "support", f"3{uuid4().int % 1000:03d}")
             if role is Role.AGENT else None)
    app.user(role, login, agent)
    failed: list[str] = []
    errors: list[str] = []

    def response(answer: Response) -> None:
        if answer.status >= 400:
            failed.append(f"{answer.status} {answer.url}")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    context = browser.new_context()
    page = context.new_page()
    page.on("response", response)
    page.on("console", console)
    page.goto(f"{app.base}{path}")
    sign_in(page, login)
    if role is not Role.AUDITOR:  # the audit viewer opens no socket
        expect(page.locator("#socket-status")).to_have_text("live")
    page.wait_for_load_state("networkidle")
    context.close()
    assert failed == []
    assert errors == []
