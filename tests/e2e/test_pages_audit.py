"""The audit viewer in Debian's chromium, signed in as an auditor: a customer's latest state,
the history with actor and diff, an older state when the slider moves back, and the hash
chains verified."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import uuid4

import pytest
from playwright.sync_api import Browser, Page, expect

from contact_center.roles import Role
from tests.e2e.pages_app import PagesApp, sign_in

pytestmark = [pytest.mark.services, pytest.mark.browser]
DISPLAY_NAME = '#state dd[data-field="display_name"]'


@contextmanager
def audit_viewer(browser: Browser, app: PagesApp, auditor: str, query: str = "") -> Iterator[Page]:
    """The viewer at ``/audit<query>`` on a desktop-sized screen, signed in as ``auditor``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{app.base}/audit{query}")
        sign_in(page, auditor)
        yield page
    finally:
        context.close()


def open_customer(page: Page, typed: str) -> None:
    """Type into the viewer's customer field and open."""
    page.fill("#pick input[name=customer]", typed)
    page.click("#pick button[type=submit]")


def test_sliding_back_shows_the_customer_as_they_were(served_pages: PagesApp, browser: Browser) -> None:
    app = served_pages
    customer, _ = app.register("Grace Hopper", "+4930555000111")
    app.put(f"/api/v1/customers/{customer}/details", {"display_name": "Grace Brewster Hopper"})
    auditor = app.user(Role.AUDITOR, f"ines-{uuid4().hex[:6]}")

    with audit_viewer(browser, app, auditor, f"?customer={customer}") as page:
        name = page.locator(DISPLAY_NAME)
        expect(name).to_have_text("Grace Brewster Hopper")
        history = page.locator("#history li")
        expect(history.first).to_contain_text("customer.registered")
        expect(history.last).to_contain_text("customer.details_updated")
        expect(history.last.locator(".after")).to_contain_text(["Grace Brewster Hopper"])
        expect(history.last.locator(".actor")).to_contain_text("operator")

        page.locator("#slider").fill("0")
        expect(name).to_have_text("Grace Hopper")
        expect(history.last).to_have_class("future")

        page.click("#verify")
        expect(page.locator("#verify-status")).to_have_attribute("data-ok", "true")
        expect(page.locator("#verify-status")).to_contain_text("chain intact")


def test_an_auditor_finds_the_customer_a_request_names_by_phone_number(
        served_pages: PagesApp, browser: Browser) -> None:
    """A data-protection request names a phone number, not an id: one match opens, several are
    listed to choose from, none says so."""
    app = served_pages
    suffix = f"{uuid4().int % 10_000:04d}"
    own, shared = f"+4930555{suffix}1", f"+4930555{suffix}2"
    _, position = app.register("Dorothy Vaughan", own)
    app.wait_for_lookup(own, position)
    first, position = app.register("Mary Jackson", shared)
    app.wait_for_lookup(shared, position)
    second, position = app.register("Mary W. Jackson", shared)
    app.wait_for_lookup(shared, position)
    auditor = app.user(Role.AUDITOR, f"otto-{uuid4().hex[:6]}")

    with audit_viewer(browser, app, auditor) as page:
        name = page.locator(DISPLAY_NAME)

        open_customer(page, own.removeprefix("+"))  # as a PBX or a letter writes it
        expect(name).to_have_text("Dorothy Vaughan")
        expect(page.locator("#candidates")).to_be_hidden()

        open_customer(page, shared)
        candidates = page.locator("#candidate-list li")
        expect(candidates).to_have_count(2)
        expect(candidates).to_contain_text([str(min(first, second)), str(max(first, second))])
        candidates.filter(has_text=str(second)).locator("button").click()
        expect(name).to_have_text("Mary W. Jackson")
        expect(page.locator("#candidates")).to_be_hidden()

        open_customer(page, f"+4930555{suffix}9")
        expect(page.locator("#audit-error")).to_have_text(f"No customer has +4930555{suffix}9")

