"""The wallboard in Debian's chromium, signed in as a supervisor: a ringing call shows as
waiting in its queue; answered fast and talked through, it earns its agent 7 points, which the
board shows without a reload; the team filter narrows the board to one team."""

from __future__ import annotations

from uuid import uuid4

import pytest
from playwright.sync_api import Browser, expect

from contact_center.roles import Role
from tests.e2e.pages_app import PagesApp, sign_in

pytestmark = [pytest.mark.services, pytest.mark.browser]


def test_the_board_shows_a_waiting_call_and_the_points_it_earned(served_pages: PagesApp,
                                                                 browser: Browser) -> None:
    app = served_pages
    team = f"team-{uuid4().hex[:6]}"
    login = f"chris-{uuid4().hex[:6]}"
    agent = app.onboard("Christopher Miller", login, team, f"2{uuid4().int % 1000:03d}")
    other = app.onboard("Lukas Becker", f"lukas-{uuid4().hex[:6]}", f"other-{uuid4().hex[:6]}",
                        f"2{uuid4().int % 1000:03d}")
    supervisor = app.user(Role.SUPERVISOR, f"sam-{uuid4().hex[:6]}")

    context = browser.new_context(viewport={"width": 1920, "height": 1080})  # a wall TV
    page = context.new_page()
    page.goto(f"{app.base}/wallboard")
    sign_in(page, supervisor)
    expect(page.locator("#socket-status")).to_have_text("live")
    row = page.locator(f'#leaderboard tr[data-agent="{agent}"]')

    call = f"call-{uuid4().hex[:8]}"
    app.cti("newCall", call, "4930123456", login, queue=team)
    expect(page.locator("#queues li").filter(has_text=team)).to_contain_text("1 waiting")
    app.cti("answer", call, "4930123456", login, queue=team)  # answered at once: 5 points ...
    expect(page.locator("#queues li").filter(has_text=team)).to_have_count(0)
    app.clock.advance(40)
    app.cti("hangup", call, "4930123456", login, queue=team, cause="normalClearing")  # ... 40 s talk: 2
    expect(row.locator("td.points")).to_have_text("7")
    expect(row.locator("td.name")).to_have_text("Christopher Miller")

    others_row = page.locator(f'#leaderboard tr[data-agent="{other}"]')
    expect(others_row).to_be_visible()
    page.select_option("#team", team)
    expect(others_row).to_have_count(0)
    expect(page.locator("#leaderboard tbody tr")).to_have_count(1)
    expect(row.locator("td.points")).to_have_text("7")
    context.close()
