"""The audit viewer in Debian's chromium: a customer's latest state, an older one when the
slider moves back, the history with actor and diff."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.pages_app import AUDITOR, PagesApp, signed_in

pytestmark = [pytest.mark.services, pytest.mark.browser]


def test_sliding_back_shows_the_customer_as_they_were(served_pages: PagesApp, browser: Browser) -> None:
    app = served_pages
    customer, _ = app.register("Grace Hopper", "+4930555000111")
    app.put(f"/api/v1/customers/{customer}/details", {"display_name": "Grace Brewster Hopper"})

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    signed_in(context, {"access_token": AUDITOR, "token_type": "bearer", "expires_at": None,
                        "role": "auditor", "username": "ines", "agent_id": None})
    page = context.new_page()
    page.goto(f"{app.base}/audit?customer={customer}")
    name = page.locator('#state dd[data-field="display_name"]')
    expect(name).to_have_text("Grace Brewster Hopper")
    history = page.locator("#history li")
    expect(history.first).to_contain_text("customer.registered")
    expect(history.last).to_contain_text("customer.details_updated")
    expect(history.last.locator(".after")).to_contain_text(["Grace Brewster Hopper"])
    expect(history.last.locator(".actor")).to_have_text("by admin:operator")

    page.locator("#slider").fill("0")
    expect(name).to_have_text("Grace Hopper")
    expect(history.last).to_have_class("future")
    context.close()
