"""The wallboard in Debian's chromium: a call answered fast and talked through earns its agent
points, and the board shows them without a reload; the team filter narrows it to one team."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.pages_app import ADMIN, PagesApp, signed_in

pytestmark = [pytest.mark.services, pytest.mark.browser]


def test_the_leaderboard_shows_the_points_a_call_just_earned(served_pages: PagesApp,
                                                             browser: Browser) -> None:
    app = served_pages
    team = f"team-{uuid4().hex[:6]}"
    login = f"chris-{uuid4().hex[:6]}"
    agent = app.onboard("Christopher Miller", login, team, f"2{uuid4().int % 1000:03d}")

    context = browser.new_context(viewport={"width": 1920, "height": 1080})  # a wall TV
    signed_in(context, {"access_token": ADMIN, "token_type": "bearer", "expires_at": None,
                        "role": "supervisor", "username": "sam", "agent_id": None})
    page = context.new_page()
    page.goto(f"{app.base}/wallboard")
    expect(page.locator("#leaderboard thead")).to_be_visible()
    row = page.locator(f'#leaderboard tr[data-agent="{agent}"]')

    call = f"call-{uuid4().hex[:8]}"
    app.cti("newCall", call, "4930123456", login)
    app.cti("answer", call, "4930123456", login)  # answered at once: 5 points ...
    app.clock.advance(40)
    app.cti("hangup", call, "4930123456", login, cause="normalClearing")  # ... and 40 s of talk: 2
    expect(row.locator("td.points")).to_have_text("7")
    expect(row.locator("td.name")).to_have_text("Christopher Miller")

    page.select_option("#team", team)
    expect(page.locator("#leaderboard tbody tr")).to_have_count(1)
    expect(row).to_be_visible()
    context.close()
